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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import Matcher, Need, NeedSkill, OccupationModel, PortfolioIndex
from matching.index import claim_code
from matching.space import OccupationProfile, SkillSpace
from matching.text import TextVectoriser

ESCO = ROOT.parent / "shared" / "data" / "esco-v1.1.1-en"
EVIDENCE_P = [0.55, 0.27, 0.14, 0.04]
LEVEL_P = [0.15, 0.35, 0.35, 0.15]
MIN_LEVEL_P = [0.3, 0.45, 0.25]
SKNO = [1256, 1266, 1272, 1273, 1275, 1290, 1293]
K = 20
QUANTUM = 64  # need weights in 1/64: every contestant's float sum is then exact


@dataclass
class World:
    space: SkillSpace
    model: OccupationModel
    labels: list[str]
    text: TextVectoriser
    source: str


@dataclass
class Data:
    ids: np.ndarray  # consenting portfolio ids (the others never reach a search table)
    rows: np.ndarray
    skills: np.ndarray
    levels: np.ndarray
    evidence: np.ndarray
    municipality: np.ndarray
    languages: dict[str, np.ndarray]  # CEFR 1..6 per searchable portfolio, 0 = none
    occupation: np.ndarray
    text: sp.csr_matrix
    n_generated: int
    occupation_fit: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


@dataclass
class LinearNeed:
    skills: np.ndarray
    weight: np.ndarray
    min_level: np.ndarray
    full: Need = field(repr=False)


def load_world(seed: int) -> World:
    """Return the ESCO skill space, or a synthetic one when ../shared is absent."""
    if ESCO.is_dir():
        from taxonomy.loaders.esco import load_esco

        tax = load_esco(ESCO, dangling="skip")
        space = SkillSpace.from_taxonomy(tax)
        labels = [tax[o].display("en") for o in space.occupation_ids_]
        source = "esco-v1.1.1"
    else:
        rng = np.random.default_rng(seed)
        skills = [f"s{i}" for i in range(13_000)]
        edges = [(f"s{i}", "broader", f"g{i // 20}") for i in range(13_000)]
        edges += [(f"s{a}", "related", f"s{b}") for a, b in rng.integers(0, 13_000, (6000, 2))]
        occs = [
            OccupationProfile(
                f"o{i}",
                str(1000 + i // 8),
                tuple(f"s{j}" for j in rng.choice(13_000, rng.integers(10, 40), replace=False)),
            )
            for i in range(3000)
        ]
        space = SkillSpace().fit(skills, edges, occs)
        labels = [f"yrke {i} grupp {i // 8}" for i in range(3000)]
        source = "synthetic"
    text = TextVectoriser().fit(labels)
    return World(space, OccupationModel().fit(space), labels, text, source)


def _popularity(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Return Zipf-like probabilities over ``n`` items in random order."""
    p = 1.0 / np.arange(1, n + 1) ** exponent
    return rng.permutation(p / p.sum())


def generate(world: World, n: int, seed: int) -> Data:
    """Draw ``n`` portfolios: most skills from one occupation, the rest by Zipf popularity."""
    rng = np.random.default_rng(seed)
    profile = world.space.profile_
    n_skills = profile.shape[1]
    has = np.flatnonzero(np.diff(profile.indptr) > 0)
    occ = has[rng.choice(len(has), n, p=_popularity(len(has), 0.8, rng))]
    size = rng.integers(10, 41, n)
    own = np.round(size * rng.uniform(0.5, 0.9, n)).astype(np.int64)
    plen = np.diff(profile.indptr)[occ]
    row_own = np.repeat(np.arange(n), own)
    pick = profile.indptr[occ][row_own] + (rng.random(len(row_own)) * plen[row_own]).astype(int)
    row_extra = np.repeat(np.arange(n), size - own)
    extra = rng.choice(n_skills, len(row_extra), p=_popularity(n_skills, 1.0, rng))
    rows = np.concatenate([row_own, row_extra])
    skills = np.concatenate([profile.indices[pick], extra]).astype(np.int64)
    key = np.unique(rows * n_skills + skills)  # one claim per skill, sorted by portfolio
    rows, skills = key // n_skills, key % n_skills
    levels = rng.choice(np.arange(1, 5), len(rows), p=LEVEL_P)
    evidence = rng.choice(4, len(rows), p=EVIDENCE_P)
    consent = rng.random(n) < 0.9
    keep = consent[rows]
    new_row = np.cumsum(consent) - 1
    muni = np.where(rng.random(n) < 0.6, rng.choice(SKNO, n), rng.integers(114, 2585, n))
    sv, en, ar = rng.integers(1, 7, n), rng.integers(1, 7, n), rng.integers(1, 7, n)
    has_sv, has_en, has_ar = rng.random(n) < 0.9, rng.random(n) < 0.6, rng.random(n) < 0.08
    live = np.flatnonzero(consent)
    languages = {
        "sv": np.where(has_sv, sv, 0)[live].astype(np.uint8),
        "en": np.where(has_en, en, 0)[live].astype(np.uint8),
        "ar": np.where(has_ar, ar, 0)[live].astype(np.uint8),
    }
    text = world.text.transform(world.labels)[occ[live]]
    return Data(
        live.astype(np.int64) + 1,
        new_row[rows[keep]],
        skills[keep],
        levels[keep],
        evidence[keep],
        muni[live],
        languages,
        occ[live],
        text,
        n,
    )


def make_needs(world: World, count: int, seed: int, size: int | None = None) -> list[Need]:
    """Draw needs of 5-20 skills (or exactly ``size``) from occupation profiles."""
    rng = np.random.default_rng(seed)
    profile, space = world.space.profile_, world.space
    has = np.flatnonzero(np.diff(profile.indptr) > 0)
    pop = _popularity(space.n_skills, 1.0, np.random.default_rng(seed + 1))
    needs = []
    for occ in rng.choice(has, count):
        n = size or int(rng.integers(5, 21))
        own = profile.indices[profile.indptr[occ] : profile.indptr[occ + 1]]
        chosen = list(rng.permutation(own)[:n])
        while len(chosen) < n:
            s = int(rng.choice(space.n_skills, p=pop))
            if s not in chosen:
                chosen.append(s)
        n_must = max(1, round(0.6 * n))
        skills = [
            NeedSkill(
                str(space.skill_ids_[s]), int(rng.choice([1, 2, 3], p=MIN_LEVEL_P)), i < n_must
            )
            for i, s in enumerate(chosen)
        ]
        needs.append(
            Need(
                skills,
                occupation=str(space.occupation_ids_[occ]),
                languages={"sv": 4},
                municipality=str(rng.choice(SKNO)),
                text=world.labels[occ],
            )
        )
    return needs


def linearise(matcher: Matcher, need: Need) -> LinearNeed:
    """Return the need's expanded skills with quantised weights, as every contestant uses them."""
    skills_only = Need(need.skills)
    plan = matcher.plan(skills_only)
    scale = plan.points["skill"] / plan.weight.sum()
    w = np.round(plan.weight[plan.owner] * plan.similarity * scale * QUANTUM) / QUANTUM
    ok = w > 0
    return LinearNeed(plan.cols[ok], w[ok], plan.min_level[plan.owner][ok], need)


def engine_core(matcher: Matcher, q: LinearNeed, k: int) -> list[int]:
    """Rank by the plain weighted sum: the primitive the other contestants compute."""
    plan = matcher.plan(Need(q.full.skills))
    plan.cols = q.skills
    plan.col_table = q.weight[:, None] * matcher.table_[q.min_level]
    ids, _ = matcher.rank_linear(plan, k)
    return ids.tolist()


def _sql(q: LinearNeed, k: int, cast: str) -> str:
    values = ", ".join(
        f"({int(s)}, CAST({float(w)!r} AS {cast}), {int(m)})"
        for s, w, m in zip(q.skills, q.weight, q.min_level, strict=True)
    )
    listed = ", ".join(str(int(s)) for s in q.skills)
    return (
        "SELECT ps.portfolio, SUM(q.w * ps.weight * CASE WHEN ps.level >= q.min_level THEN 1.0 "
        f"ELSE power(CAST(0.5 AS {cast}), CAST(q.min_level - ps.level AS {cast})) END) AS score "
        f"FROM (VALUES {values}) AS q(skill, w, min_level) "
        f"JOIN portfolio_skills ps ON ps.skill = q.skill WHERE ps.skill IN ({listed}) "
        f"GROUP BY ps.portfolio ORDER BY score DESC, ps.portfolio LIMIT {k}"
    )


def evidence_weight(evidence: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    return np.asarray(weights, dtype=np.float32)[evidence]


def load_postgres(url: str, data: Data, weights: tuple[float, ...]) -> Any:
    """Create and fill the search tables in PostgreSQL with COPY (binary)."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("DROP TABLE IF EXISTS portfolio_skills, portfolio_occupations")
    conn.execute(
        "CREATE TABLE portfolio_skills (skill int4, portfolio int4, weight float4, level int2)"
    )
    conn.execute("CREATE TABLE portfolio_occupations (portfolio int4, occupation int4, fit float4)")
    n = len(data.rows)
    rec = np.empty(
        n,
        dtype=[
            ("f", ">i2"),
            ("l1", ">i4"),
            ("skill", ">i4"),
            ("l2", ">i4"),
            ("pid", ">i4"),
            ("l3", ">i4"),
            ("w", ">f4"),
            ("l4", ">i4"),
            ("lv", ">i2"),
        ],
    )
    rec["f"], rec["l1"], rec["l2"], rec["l3"], rec["l4"] = 4, 4, 4, 4, 2
    rec["skill"], rec["pid"] = data.skills, data.ids[data.rows]
    rec["w"], rec["lv"] = evidence_weight(data.evidence, weights), data.levels
    _copy_in(conn, "portfolio_skills", rec)
    assert data.occupation_fit is not None
    r, o, p = data.occupation_fit
    rec = np.empty(
        len(r),
        dtype=[
            ("f", ">i2"),
            ("l1", ">i4"),
            ("pid", ">i4"),
            ("l2", ">i4"),
            ("occ", ">i4"),
            ("l3", ">i4"),
            ("fit", ">f4"),
        ],
    )
    rec["f"], rec["l1"], rec["l2"], rec["l3"] = 3, 4, 4, 4
    rec["pid"], rec["occ"], rec["fit"] = data.ids[r], o, p
    _copy_in(conn, "portfolio_occupations", rec)
    conn.execute("CREATE INDEX ON portfolio_skills (skill, portfolio) INCLUDE (weight, level)")
    conn.execute("VACUUM ANALYZE portfolio_skills")
    conn.execute("VACUUM ANALYZE portfolio_occupations")
    return conn


def _copy_in(conn: Any, table: str, rec: np.ndarray) -> None:
    header = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
    with conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
        copy.write(header)
        step = 2_000_000
        for lo in range(0, len(rec), step):
            copy.write(rec[lo : lo + step].tobytes())
        copy.write(b"\xff\xff")


def _arrays(conn: Any, query: str, types: list[str]) -> list[np.ndarray]:
    """Run a query of ``array_agg`` columns and parse the binary arrays without Python rows.

    COPY hands libpq one message per row, which costs a Python call each; one array per
    column arrives in a few large messages instead.
    """
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    class Raw(Loader):
        format = Format.BINARY

        def load(self, data: Any) -> Any:
            return data

    cur = conn.cursor(binary=True)
    for oid in (1005, 1007, 1016, 1021):  # int2[], int4[], int8[], float4[]
        cur.adapters.register_loader(oid, Raw)
    cur.execute(query)
    out = []
    for raw, kind in zip(cur.fetchone(), types, strict=True):
        if raw is None:
            out.append(np.zeros(0, dtype=kind))
            continue
        header = 12 + 8 * int.from_bytes(bytes(raw[0:4]), "big")
        out.append(np.frombuffer(raw, dtype=[("n", ">i4"), ("v", kind)], offset=header)["v"])
    return out


def read_rows_postgres(conn: Any) -> dict[str, np.ndarray]:
    """Read the search tables back as the app's index build would.

    Each aggregate costs the server per element, so skill, evidence weight and level travel
    packed into one int4 (weights are multiples of 1/8), occupation and fit into one int8.
    """
    pid, packed = _arrays(
        conn,
        "SELECT array_agg(portfolio), "
        "array_agg(skill * 64 + round(weight * 8)::int4 * 4 + level - 1) FROM portfolio_skills",
        [">i4", ">i4"],
    )
    occ_pid, occ_packed = _arrays(
        conn,
        "SELECT array_agg(portfolio), "
        "array_agg(occupation::int8 * 65536 + round(fit * 65535)::int8) FROM portfolio_occupations",
        [">i4", ">i8"],
    )
    packed = packed.astype(np.int64)
    occ_packed = occ_packed.astype(np.int64)
    return {
        "pid": pid,
        "skill": packed >> 6,
        "weight": (((packed >> 2) & 15) / 8).astype(np.float32),
        "level": (packed & 3) + 1,
        "occ_pid": occ_pid,
        "occ": occ_packed >> 16,
        "fit": ((occ_packed & 65535) / 65535).astype(np.float32),
    }


def read_rows_duckdb(con: Any) -> dict[str, np.ndarray]:
    s = con.sql("SELECT portfolio AS pid, skill, weight, level FROM portfolio_skills").fetchnumpy()
    o = con.sql("SELECT portfolio AS occ_pid, occupation AS occ, fit FROM portfolio_occupations")
    return {**s, **o.fetchnumpy()}


def load_duckdb(data: Data, weights: tuple[float, ...]) -> Any:
    """Create the same tables in an in-process DuckDB, clustered by skill."""
    import duckdb

    con = duckdb.connect()
    arr = {
        "skill": data.skills.astype(np.int32),
        "portfolio": data.ids[data.rows].astype(np.int32),
        "weight": evidence_weight(data.evidence, weights),
        "level": data.levels.astype(np.int16),
    }
    con.register("arr", arr)
    con.execute("CREATE TABLE portfolio_skills AS SELECT * FROM arr ORDER BY skill, portfolio")
    con.unregister("arr")
    assert data.occupation_fit is not None
    r, o, p = data.occupation_fit
    occ = {"portfolio": data.ids[r].astype(np.int32), "occupation": o.astype(np.int32), "fit": p}
    con.register("occ", occ)
    con.execute("CREATE TABLE portfolio_occupations AS SELECT * FROM occ")
    con.unregister("occ")
    return con


def build_engine(world: World, data: Data, rows: dict[str, np.ndarray]) -> PortfolioIndex:
    """Build the engine's index from database rows, as an app worker does at start."""
    row_of = np.full(int(data.ids.max()) + 1, -1, dtype=np.int64)  # pid -> row, one gather
    row_of[data.ids] = np.arange(len(data.ids))
    row = row_of[rows["pid"]]
    weights = np.asarray(Matcher().evidence_weights)
    evidence_of = np.zeros(int(weights.max() * 8) + 1, dtype=np.int64)  # weights are in 1/8
    evidence_of[np.round(weights * 8).astype(int)] = np.arange(len(weights))
    evidence = evidence_of[np.round(rows["weight"] * 8).astype(np.int64)]
    occ_row = row_of[rows["occ_pid"]]
    index = PortfolioIndex(world.space, world.model, world.text)
    return index.fit_arrays(
        data.ids,
        row,
        rows["skill"].astype(np.int64),
        rows["level"].astype(np.int64),
        evidence,
        municipalities=data.municipality,
        languages=data.languages,
        occupation_fit=(occ_row, rows["occ"].astype(np.int64), rows["fit"]),
        text_vectors=data.text,
    )


def build_tantivy(data: Data, path: str) -> tuple[Any, Any, Any]:
    """Index one document per portfolio with one term per (skill, evidence x level bucket)."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("t", tokenizer_name="whitespace", index_option="basic")
    builder.add_integer_field("pid", stored=True, indexed=False)
    schema = builder.build()
    index = tantivy.Index(schema, path=path)
    writer = index.writer(heap_size=1_000_000_000, num_threads=1)
    code = claim_code(data.levels, data.evidence).astype(np.int64)
    n_skills = int(data.skills.max()) + 1 if len(data.skills) else 1
    vocab = np.array([f"s{s}c{c}" for s in range(n_skills) for c in range(16)], dtype=object)
    term = vocab[data.skills * 16 + code]
    bounds = np.searchsorted(data.rows, np.arange(len(data.ids) + 1))
    for i, pid in enumerate(data.ids.tolist()):
        writer.add_document(tantivy.Document(t=" ".join(term[bounds[i] : bounds[i + 1]]), pid=pid))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, index.searcher(), schema


def tantivy_topk(searcher: Any, schema: Any, q: LinearNeed, table: np.ndarray, k: int) -> list[int]:
    """OR of constant-score term clauses, one per (skill, evidence x level bucket): the same sum.

    (Grouping a skill's buckets of equal weight into one term-set clause was 40x slower.)
    """
    import tantivy

    clauses = []
    for s, w, m in zip(q.skills.tolist(), q.weight.tolist(), q.min_level.tolist(), strict=True):
        for c in range(16):
            term = tantivy.Query.term_query(schema, "t", f"s{s}c{c}")
            score = w * float(table[m, c])
            clauses.append((tantivy.Occur.Should, tantivy.Query.const_score_query(term, score)))
    query = tantivy.Query.boolean_query(clauses)
    limit = k + 32
    while True:
        hits = searcher.search(query, limit).hits
        pairs = sorted((-score, searcher.doc(addr)["pid"][0]) for score, addr in hits)
        if len(hits) < limit or pairs[-1][0] > pairs[min(k, len(pairs)) - 1][0]:
            return [int(p) for _, p in pairs[:k]]
        limit *= 4  # the k-th score's ties may run past the page: fetch more


def loop_data(
    data: Data, weights: tuple[float, ...]
) -> list[tuple[int, dict[int, tuple[float, int]]]]:
    ew = evidence_weight(data.evidence, weights).astype(np.float64).tolist()
    out: list[tuple[int, dict[int, tuple[float, int]]]] = [(int(p), {}) for p in data.ids]
    for r, s, w, lv in zip(
        data.rows.tolist(), data.skills.tolist(), ew, data.levels.tolist(), strict=True
    ):
        out[r][1][s] = (w, lv)
    return out


def loop_topk(
    portfolios: list[tuple[int, dict[int, tuple[float, int]]]], q: LinearNeed, k: int
) -> list[int]:
    """The naive reference: score every portfolio in a Python loop."""
    want = {
        int(s): (float(w), int(m)) for s, w, m in zip(q.skills, q.weight, q.min_level, strict=True)
    }
    scored = []
    for pid, claims in portfolios:
        total = 0.0
        for s, (ew, lv) in claims.items():
            got = want.get(s)
            if got is not None:
                total += got[0] * ew * (1.0 if lv >= got[1] else 0.5 ** (got[1] - lv))
        if total > 0:
            scored.append((-total, pid))
    scored.sort()
    return [pid for _, pid in scored[:k]]


def timed(fn: Any, items: list[Any], warm: int = 3) -> tuple[list[Any], np.ndarray]:
    for item in items[:warm]:
        fn(item)
    out, ms = [], []
    for item in items:
        t = time.perf_counter()
        out.append(fn(item))
        ms.append(1000 * (time.perf_counter() - t))
    return out, np.array(ms)


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
    data.occupation_fit = world.model.posterior_top(presence)
    del presence
    out["occupation_fit_s"] = round(time.perf_counter() - t, 2)  # kept per portfolio by the app
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
    rows = read_rows_postgres(pg) if pg is not None else read_rows_duckdb(duck)
    t_read = time.perf_counter()
    index = build_engine(world, data, rows)
    out["build_s"] = round(time.perf_counter() - t, 2)
    out["build_read_s"] = round(t_read - t, 2)
    out["build_source"] = "postgresql" if pg is not None else "duckdb"
    del rows
    gc.collect()
    out["bytes_per_portfolio"] = round(index.nbytes() / max(len(data.ids), 1), 1)
    out["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    out["index_mb"] = round(index.nbytes() / 2**20, 1)
    del rss0
    matcher = Matcher().fit(index)
    linear = [linearise(matcher, nd) for nd in needs]
    out["expanded_skills_mean"] = round(float(np.mean([len(q.skills) for q in linear])), 1)
    full, ms = timed(lambda nd: matcher.search(nd, k=K, explain=True), needs)
    out["engine_p50_ms"], out["engine_p95_ms"] = _p(ms, 50), _p(ms, 95)
    _, ms = timed(lambda nd: matcher.search(nd, k=K, explain=True), needs20)
    out["engine_20skill_p50_ms"], out["engine_20skill_p95_ms"] = _p(ms, 50), _p(ms, 95)
    core, ms = timed(lambda q: engine_core(matcher, q, K), linear)
    out["engine_core_p50_ms"], out["engine_core_p95_ms"] = _p(ms, 50), _p(ms, 95)
    answers: dict[str, list[list[int]]] = {"engine": core}
    slow = linear[: args.slow_needs]
    if pg is not None:
        with pg.cursor() as cur:

            def sql(q: LinearNeed) -> list[int]:
                cur.execute(_sql(q, K, "float8"))
                return [int(r[0]) for r in cur.fetchall()]

            # One core, as the engine gets; then PostgreSQL's default parallel plan for scale.
            cur.execute("SET max_parallel_workers_per_gather = 0")
            answers["sql"], ms = timed(sql, slow)
            out["sql_p50_ms"], out["sql_p95_ms"] = _p(ms, 50), _p(ms, 95)
            cur.execute("RESET max_parallel_workers_per_gather")
            parallel, ms = timed(sql, slow)
            out["sql_parallel_p50_ms"] = _p(ms, 50)
            answers["sql_parallel"] = parallel
    else:
        out["sql_p50_ms"] = out["sql_p95_ms"] = None
        out["sql_note"] = "skipped: no --database-url"

    def duckdb_topk(q: LinearNeed) -> list[int]:
        return [int(r[0]) for r in duck.execute(_sql(q, K, "DOUBLE")).fetchall()]

    duck.execute("SET threads = 1")  # one core, as the engine gets
    answers["duckdb"], ms = timed(duckdb_topk, linear)
    out["duckdb_p50_ms"] = _p(ms, 50)
    duck.execute(f"SET threads = {os.cpu_count() or 1}")
    answers["duckdb_threads"], ms = timed(duckdb_topk, linear)
    out["duckdb_threads_p50_ms"] = _p(ms, 50)
    duck.close()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        _, searcher, schema = build_tantivy(data, tmp)
        out["tantivy_build_s"] = round(time.perf_counter() - t, 1)
        answers["tantivy"], ms = timed(
            lambda q: tantivy_topk(searcher, schema, q, matcher.table_, K), linear
        )
        out["tantivy_p50_ms"] = _p(ms, 50)
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
    parser.add_argument("--slow-needs", type=int, default=30, help="needs for SQL and the loop")
    parser.add_argument("--loop-max", type=int, default=100_000)
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
