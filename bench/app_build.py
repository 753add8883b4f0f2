"""Benchmark a worker's start: the matching engine built from the app's own tables.

python bench/app_build.py --size 100000 [--database-url URL] [--repeat 3]

``bench/matching.py`` reads its own compact tables; this reads what the app stores
(skill_claims, language_skills, experiences, consent records) through
``eportfolio.matching_index.engine.build``, as a gunicorn worker does before its first
search: taxonomy, skill space and occupation model, every consenting portfolio, occupation
fits and text vectors. Without --database-url a fresh SQLite database is scaled to --size
synthetic portfolios (demo load, demo scale N); with a PostgreSQL URL of an already scaled
database, tables are ANALYZEd first (as autovacuum would after a bulk load).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def cpu_model() -> str:
    """Return the CPU's model name as Linux reports it."""
    info = Path("/proc/cpuinfo")
    for line in info.read_text().splitlines() if info.exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def measure(url: str, repeat: int) -> dict[str, Any]:
    """Build the engine ``repeat`` times in one process; report each and the data's size."""
    import psutil
    from sqlalchemy import func, select, text

    os.environ["DATABASE_URL"] = url
    from eportfolio import create_app
    from eportfolio.db import db
    from eportfolio.matching_index import engine
    from eportfolio.portfolios.models import Portfolio, SkillClaim

    app = create_app()
    out: dict[str, Any] = {}
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
        out["portfolios"] = db.session.scalar(select(func.count(Portfolio.id)))
        out["claims"] = db.session.scalar(select(func.count(SkillClaim.id)))
        times = []
        for _ in range(repeat):
            gc.collect()
            start = time.perf_counter()
            built = engine.build(db.session)
            times.append(time.perf_counter() - start)
            db.session.rollback()
        out["searchable"] = len(built.index)
        out["build_s"] = [round(t, 2) for t in times]
        out["build_median_s"] = round(statistics.median(times), 2)
        out["index_mb"] = round(built.index.nbytes() / 2**20, 1)
        out["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    return out


def main() -> None:
    from regional import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="an already scaled database")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out: dict[str, Any] = {
        "size": args.size,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
    }
    if args.database_url:
        url = args.database_url
    else:
        folder = tempfile.mkdtemp(prefix="bench-app-build-")
        url = f"sqlite:///{folder}/app.db"
        out["setup"] = build(url, args.size)
    out["database"] = url.split(":", 1)[0]
    out |= measure(url, args.repeat)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
