"""Benchmark: full ESCO and JobTech imports into SQLite and PostgreSQL; prints one JSON object.

Each import runs in a fresh process (`flask --app wsgi taxonomy import ...`) on a freshly
migrated database, so wall time and peak memory (max RSS of that process) are the import's own.
A second import of the same version is timed too: it must change nothing.

    python bench/taxonomy_import.py [--database-url postgresql+psycopg://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SOURCES = {"esco": DATA / "esco-v1.1.1-en", "jobtech": DATA / "jobtech-taxonomy"}


def _flask(args: list[str], url: str) -> tuple[float, float, str]:
    """Run one CLI command; return (seconds, peak RSS in MB of that process, output)."""
    env = {**os.environ, "DATABASE_URL": url, "ENV": "development"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    peak_kb = int(done.stderr.strip().splitlines()[-1].split()[-1])
    lines = done.stdout.strip().splitlines()
    return seconds, peak_kb / 1024, lines[-1] if lines else ""


# The child reports its own peak RSS (KiB on Linux) as its last line on stderr.
CHILD = """
import resource, runpy, sys
sys.argv = ["flask", "--app", "wsgi", *sys.argv[1:]]
try:
    runpy.run_module("flask", run_name="__main__")
finally:
    print("peak_rss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def _fresh_postgres(base: str) -> str:
    name = "mp_bench_import"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)


def run(url: str) -> dict[str, object]:
    _flask(["db", "upgrade"], url)
    out: dict[str, object] = {}
    for source, path in SOURCES.items():
        extra = ["--skip-dangling"] if source == "esco" else []
        first = _flask(["taxonomy", "import", source, str(path), *extra], url)
        again = _flask(["taxonomy", "import", source, str(path), *extra], url)
        out[source] = {
            "import_s": round(first[0], 1),
            "peak_rss_mb": round(first[1]),
            "reimport_s": round(again[0], 1),
            "summary": first[2],
            "reimport_summary": again[2],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="PostgreSQL URL; without it only SQLite runs")
    args = parser.parse_args()
    if not all(p.exists() for p in SOURCES.values()):
        print(json.dumps({"skipped": f"{DATA} not found"}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        result: dict[str, object] = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "sqlite": run(f"sqlite:///{tmp}/bench.db"),
        }
    result["postgresql"] = (
        run(_fresh_postgres(args.database_url))
        if args.database_url
        else "skipped: no --database-url"
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
