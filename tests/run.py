"""`make test`: the whole suite, on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.

Passes: unit/integration/web tests in parallel on SQLite; the browser tests; and, when
TEST_DATABASE_URL is set, the database-backed tests again on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

PASSES: list[tuple[str, list[str]]] = [
    ("SQLite", ["-n", "2", "-m", "not e2e", "tests"]),
    ("browser", ["-m", "e2e", "tests/e2e"]),
]


def main() -> int:
    passes = list(PASSES)
    if os.environ.get("TEST_DATABASE_URL"):
        passes.append(
            (
                "PostgreSQL",
                [
                    "-n",
                    "2",
                    "-m",
                    "not e2e",
                    "--backend=postgres",
                    "tests/integration",
                    "tests/web",
                ],
            )
        )
    else:
        print("TEST_DATABASE_URL not set: skipping the PostgreSQL pass", flush=True)
    failed: list[str] = []
    for name, args in passes:
        started = time.monotonic()
        print(f"\n=== {name} pass: pytest {' '.join(args)}", flush=True)
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", *args])
        print(
            f"=== {name} pass finished with exit code {code} in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        if code != 0:  # 5 (no tests collected) is a failure too: a pass must test something
            failed.append(name)
    if failed:
        print(f"FAILED passes: {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
