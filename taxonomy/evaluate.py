"""Measure the normaliser on an eval suite: ``python -m taxonomy.evaluate --esco DIR --cases F``.

Prints one JSON object: acc1, acc5 and n as the eval README defines them (distinct concepts
ranked over every skill of the taxonomy), per-query latency p50_ms/p95_ms (one thread, index
already built, every case timed after 20 untimed warm-up queries; cpu_* the same in CPU
time), build_s (index build), load_s (reading the taxonomy) and acc1 per noise kind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from taxonomy.loaders.esco import load_esco
from taxonomy.loaders.jobtech import load_jobtech
from taxonomy.model import Taxonomy
from taxonomy.normalise import Normaliser


def _percentile(sorted_values: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile of already sorted values."""
    rank = max(1, round(share * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def evaluate(
    normaliser: Normaliser, cases: Sequence[dict[str, Any]], warmup: int = 20
) -> dict[str, Any]:
    """Return acc@1, acc@5, latency percentiles and acc@1 per noise kind over ``cases``."""
    # A few untimed queries first: the first ones pay for lazy imports and cold caches.
    for case in cases[:warmup]:
        normaliser.lookup(case["text"], case.get("lang"), limit=5)
    hits1 = hits5 = 0
    latencies: list[float] = []
    cpu: list[float] = []  # CPU time: what the query costs when the machine is shared
    by_noise: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        start, start_cpu = time.perf_counter(), time.thread_time()
        found = normaliser.lookup(case["text"], case.get("lang"), limit=5)
        latencies.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
        ids = [c.concept_id for c in found]
        hit = bool(ids) and ids[0] == case["expected"]
        hits1 += hit
        hits5 += case["expected"] in ids
        for kind in str(case.get("noise", "unknown")).split("+"):
            by_noise[kind][0] += hit
            by_noise[kind][1] += 1
    latencies.sort()
    cpu.sort()
    n = len(cases)
    return {
        "acc1": round(hits1 / n, 4) if n else 0.0,
        "acc5": round(hits5 / n, 4) if n else 0.0,
        "n": n,
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 3) if n else 0.0,
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 3) if n else 0.0,
        "cpu_p50_ms": round(_percentile(cpu, 0.50) * 1000, 3) if n else 0.0,
        "cpu_p95_ms": round(_percentile(cpu, 0.95) * 1000, 3) if n else 0.0,
        "acc1_by_noise": {k: round(v[0] / v[1], 4) for k, v in sorted(by_noise.items())},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Load a taxonomy, build the skill index, run the cases and print one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m taxonomy.evaluate", description=__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--esco", type=Path, help="folder of the ESCO CSV download")
    source.add_argument("--jobtech", type=Path, help="folder of the JobTech JSON datasets")
    parser.add_argument("--cases", type=Path, required=True, help="normalise.jsonl of a suite")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    # The eval suites ignore relations to concepts a download does not define; so do we.
    tax: Taxonomy = (
        load_esco(args.esco, dangling="skip") if args.esco else load_jobtech(args.jobtech)
    )
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    normaliser = Normaliser.from_taxonomy(tax)
    build_s = time.perf_counter() - start
    with args.cases.open(encoding="utf-8") as fh:
        cases = [json.loads(line) for line in fh if line.strip()]
    result = {
        "cases": str(args.cases),
        **evaluate(normaliser, cases),
        "build_s": round(build_s, 3),
        "load_s": round(load_s, 3),
        "labels": len(normaliser),
        # Wall-clock percentiles include waiting for a core; the 1-minute load says how busy.
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
