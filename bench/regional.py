"""Benchmark the regional overview pages on demo data scaled to N synthetic portfolios.

python bench/regional.py --size 100000 [--database-url sqlite:////tmp/bench_regional.db]

Without --database-url a fresh SQLite database is built (demo load, demo scale N, the AF job-ad
counts when ../shared/data has them). Times the snapshot refresh, then each page as a logged-in
coordinator (median and worst of --repeat runs, snapshot already current). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ADS = ROOT.parent / "shared" / "data" / "af-ads-2024" / "ads_2024_by_ssyk4_municipality.csv"
PAGES = (
    "/regional",
    "/regional?kommun=1273",
    "/regional?kommun=1293&group=7212",
    "/regional/gaps.csv?kommun=1273",
    "/regional/supply.csv",
    "/regional/validation",
    "/api/v1/regional/overview",
    "/api/v1/regional/gaps?kommun=1273",
    "/api/v1/regional/validation",
    "/training",
)


def flask(url: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def build(url: str, size: int) -> dict[str, float]:
    took = {"migrate_s": flask(url, "db", "upgrade"), "demo_load_s": flask(url, "demo", "load")}
    took["demo_scale_s"] = flask(url, "demo", "scale", str(size))
    if ADS.exists():
        took["import_ads_s"] = flask(url, "taxonomy", "import-demand", str(ADS))
    return took


def measure(url: str, repeat: int) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = url
    from eportfolio import create_app
    from eportfolio.db import db
    from eportfolio.demo.cli import DEMO_PASSWORD
    from eportfolio.regional import report, services

    app = create_app()
    with app.app_context():
        start = time.perf_counter()
        services.refresh(db.session)
        db.session.commit()
        refresh_s = time.perf_counter() - start
        data, _at, _fresh = services.overview(db.session)
        osby = report.gap_rows(db.session, data, "1273", None, "sv")[:3]
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    login = {"email": "samordnare@demo.meritportfolj.se", "password": DEMO_PASSWORD}
    assert client.post("/login", data={**login, "csrf_token": token}).status_code == 302
    pages = {}
    for page in PAGES:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(page)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (page, response.status_code)
        pages[page] = {
            "median_ms": round(1000 * statistics.median(times), 1),
            "max_ms": round(1000 * max(times), 1),
        }
    return {
        "refresh_s": round(refresh_s, 2),
        "pages": pages,
        "osby_top_gaps": [
            {
                "skill": r["skill_label"],
                "group": r["group_label"],
                "people": r["lifted"],
                "taught_by": [f"{m['name']} ({m['centre']})" for m in r["modules"]],
            }
            for r in osby
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="an already scaled database")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    out: dict[str, Any] = {
        "size": args.size,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    if args.database_url:
        url = args.database_url
    else:
        folder = tempfile.mkdtemp(prefix="bench-regional-")
        url = f"sqlite:///{folder}/regional.db"
        out["build"] = build(url, args.size)
    out["database"] = url.split(":", 1)[0]
    out |= measure(url, args.repeat)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
