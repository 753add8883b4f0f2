"""Benchmark employer search: the engine against PostgreSQL, DuckDB, Tantivy and a Python loop.

python bench/matching.py --sizes 10000,100000,1000000 [--database-url postgresql://...]

Every contestant ranks the same synthetic portfolios for the same expanded needs; the run
fails unless all return the same top-k (ties by portfolio id). Prints one JSON object.
"""

# ruff: noqa: E402 -- thread limits must be set before numpy loads, so imports follow them

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the targets are stated

import argparse
import gc
import json
import platform
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching_rivals import (
    build_tantivy,
    load_duckdb,
    load_postgres,
    loop_data,
    loop_topk,
    read_rows_duckdb,
    read_rows_postgres,
    sql_query,
    tantivy_topk,
)
from matching_world import (
    K,
    LinearNeed,
    World,
    build_engine,
    engine_core,
    generate,
    linearise,
    load_world,
    make_needs,
)

from matching import Matcher


def timed(
    fn: Any, items: list[Any], warm: int = 3, rounds: int = 1
) -> tuple[list[Any], np.ndarray]:
    """Return the first round's answers and every call's milliseconds.

    Several rounds give the fast contestants enough samples that a moment of other work
    on this shared machine moves a percentile less.
    """
    for item in items[:warm]:
        fn(item)
    out, ms = [], []
    for r in range(rounds):
        for item in items:
            t = time.perf_counter()
            got = fn(item)
            ms.append(1000 * (time.perf_counter() - t))
            if r == 0:
                out.append(got)
    return out, np.array(ms)


def in_rounds(
    contestants: dict[str, Any], n: int, rounds: int, warm: int = 3
) -> tuple[dict[str, list[Any]], dict[str, np.ndarray]]:
    """Time each contestant over all ``n`` items, one after another, ``rounds`` times.

    Each contestant runs a whole block with its caches warm (as the issue's SQL baseline
    asks); repeating the blocks spreads every contestant over the minutes of the run, since
    this machine's speed drifts (other guests on the host). Returns first-round answers.
    """
    answers: dict[str, list[Any]] = {name: [] for name in contestants}
    ms: dict[str, list[float]] = {name: [] for name in contestants}
    for r in range(rounds):
        for name, fn in contestants.items():
            for i in range(min(warm, n)):
                fn(i)
            for i in range(n):
                t = time.perf_counter()
                got = fn(i)
                ms[name].append(1000 * (time.perf_counter() - t))
                if r == 0:
                    answers[name].append(got)
    return answers, {name: np.array(v) for name, v in ms.items()}


def _p(ms: np.ndarray, q: float) -> float:
    return round(float(np.percentile(ms, q)), 3) if len(ms) else float("nan")


def run_size(world: World, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Generate ``n`` portfolios, load every contestant, time them and check they agree."""
    import psutil

    out: dict[str, Any] = {}
    weights = Matcher().evidence_weights
    data = generate(world, n, args.seed)
    t = time.perf_counter()
    presence = world.space.profile_.__class__(
        (np.ones(len(data.rows), np.float32), (data.rows, data.skills)),
        shape=(len(data.ids), world.space.n_skills),
    )
    data.occupation_fit = world.model.posterior_top(presence, threads=os.cpu_count() or 1)
    del presence
    # Stored beside the skills here, so build_s reads it; the app computes it at start, so
    # it runs as the app runs it: on every core.
    out["occupation_fit_s"] = round(time.perf_counter() - t, 2)
    out.update(
        portfolios=n,
        searchable=len(data.ids),
        skills_per_portfolio=round(len(data.rows) / max(len(data.ids), 1), 1),
    )
    needs = make_needs(world, args.needs, args.seed + 7)
    needs20 = make_needs(world, 50, args.seed + 11, size=20)
    pg = None
    if args.database_url:
        t = time.perf_counter()
        pg = load_postgres(args.database_url, data, weights)
        out["sql_load_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    duck = load_duckdb(data, weights)
    out["duckdb_load_s"] = round(time.perf_counter() - t, 1)
    rss0 = psutil.Process().memory_info().rss
    gc.collect()
    t = time.perf_counter()
    if pg is not None:
        rows = read_rows_postgres(args.database_url, data.ids, os.cpu_count() or 1)
    else:
        rows = read_rows_duckdb(duck)
    t_read = time.perf_counter()
    index = build_engine(world, data, rows)
    matcher = Matcher().fit(index)  # readies the index's credit lookups
    del rows
    # As an app worker does after its build (eportfolio.matching_index.engine.settle_heap):
    # full garbage collections skip the long-lived objects from here on.
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    out["build_s"] = round(time.perf_counter() - t, 2)
    out["build_read_s"] = round(t_read - t, 2)
    out["build_source"] = "postgresql" if pg is not None else "duckdb"
    out["bytes_per_portfolio"] = round(index.nbytes() / max(len(data.ids), 1), 1)
    out["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    out["index_mb"] = round(index.nbytes() / 2**20, 1)
    del rss0
    linear = [linearise(matcher, nd) for nd in needs]
    out["expanded_skills_mean"] = round(float(np.mean([len(q.skills) for q in linear])), 1)
    search = partial(matcher.search, k=K, explain=True)
    _, ms = timed(search, needs20, rounds=args.rounds)
    out["engine_20skill_p50_ms"], out["engine_20skill_p95_ms"] = _p(ms, 50), _p(ms, 95)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        _, searcher, schema = build_tantivy(data, tmp)
        out["tantivy_build_s"] = round(time.perf_counter() - t, 1)

        def duckdb_topk(q: LinearNeed) -> list[int]:
            return [int(r[0]) for r in duck.execute(sql_query(q, K, "DOUBLE")).fetchall()]

        duck.execute("SET threads = 1")  # one core, as the engine gets
        answers, times = in_rounds(
            {
                "full": lambda i: search(needs[i]),
                "engine": lambda i: engine_core(matcher, linear[i], K),
                "duckdb": lambda i: duckdb_topk(linear[i]),
                "tantivy": lambda i: tantivy_topk(searcher, schema, linear[i], matcher.table_, K),
            },
            len(needs),
            args.rounds,
        )
    full, core = answers.pop("full"), answers["engine"]
    out["engine_p50_ms"], out["engine_p95_ms"] = _p(times["full"], 50), _p(times["full"], 95)
    out["engine_core_p50_ms"] = _p(times["engine"], 50)
    out["engine_core_p95_ms"] = _p(times["engine"], 95)
    out["duckdb_p50_ms"], out["tantivy_p50_ms"] = _p(times["duckdb"], 50), _p(times["tantivy"], 50)
    duck.execute(f"SET threads = {os.cpu_count() or 1}")
    answers["duckdb_threads"], ms = timed(duckdb_topk, linear)
    out["duckdb_threads_p50_ms"] = _p(ms, 50)
    duck.close()
    slow = linear[: args.slow_needs]
    if pg is not None:
        # The same needs as the engine's p50 by default, so ``ratio_sql`` compares like with like.
        sql_needs = linear[: args.sql_needs]
        with pg.cursor() as cur:

            def sql(q: LinearNeed) -> list[int]:
                cur.execute(sql_query(q, K, "float8"))
                return [int(r[0]) for r in cur.fetchall()]

            # Enough memory that the GROUP BY's hash table stays in RAM: at the default 4 MB
            # it spills to disk at 1M portfolios, which would flatter the engine's ratio.
            cur.execute("SET work_mem = '256MB'")
            # One core, as the engine gets; then PostgreSQL's default parallel plan for scale.
            cur.execute("SET max_parallel_workers_per_gather = 0")
            answers["sql"], ms = timed(sql, sql_needs)
            out["sql_p50_ms"], out["sql_p95_ms"] = _p(ms, 50), _p(ms, 95)
            cur.execute("RESET max_parallel_workers_per_gather")
            parallel, ms = timed(sql, sql_needs)
            out["sql_parallel_p50_ms"] = _p(ms, 50)
            answers["sql_parallel"] = parallel
    else:
        out["sql_p50_ms"] = out["sql_p95_ms"] = None
        out["sql_note"] = "skipped: no --database-url"
    if len(data.ids) <= args.loop_max:
        portfolios = loop_data(data, weights)
        answers["loop"], ms = timed(lambda q: loop_topk(portfolios, q, K), slow, warm=0)
        out["loop_p50_ms"] = _p(ms, 50)
    else:
        out["loop_p50_ms"] = None
        out["loop_note"] = f"skipped above {args.loop_max} portfolios"
    for name in ("sql", "sql_parallel", "duckdb", "duckdb_threads", "tantivy", "loop"):
        p50 = out.get(f"{name}_p50_ms")
        out[f"ratio_{name}"] = round(p50 / out["engine_p50_ms"], 1) if p50 else None
        # Like for like: the engine's bare weighted sum, the only thing the others compute.
        out[f"ratio_{name}_core"] = round(p50 / out["engine_core_p50_ms"], 1) if p50 else None
    agree = all(answers[name][i] == core[i] for name in answers for i in range(len(answers[name])))
    out["topk_agree"] = agree
    out["gated_needs"] = {name: len(a) for name, a in answers.items()}
    out["load_avg_1min"] = round(os.getloadavg()[0], 2)
    out["explained"] = all(m.explanation is not None for ms_ in full for m in ms_)
    if pg is not None:
        pg.execute("DROP TABLE IF EXISTS portfolio_skills, portfolio_occupations")
        pg.close()
    return out


def machine() -> dict[str, Any]:
    import duckdb
    import psutil
    import scipy
    import sklearn

    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in cpuinfo.read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "pinned_cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "duckdb": duckdb.__version__,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()],  # other work on the box
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--needs", type=int, default=200)
    parser.add_argument(
        "--sql-needs", type=int, default=None, help="needs for PostgreSQL (default: all)"
    )
    parser.add_argument("--slow-needs", type=int, default=30, help="needs for the Python loop")
    parser.add_argument("--loop-max", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds for the engine")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--core", type=int, default=None, help="pin to this CPU")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.core is not None:
        os.sched_setaffinity(0, {args.core})
    world = load_world(args.seed)
    result: dict[str, Any] = {
        "machine": machine(),
        "skill_source": world.source,
        "k": K,
        "sizes": {},
    }
    failed = False
    for n in (int(x) for x in args.sizes.split(",")):
        result["sizes"][str(n)] = run_size(world, n, args)
        failed |= not result["sizes"][str(n)]["topk_agree"]
        gc.collect()
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
