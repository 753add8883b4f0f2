"""The matching benchmark's other contestants: PostgreSQL, DuckDB, Tantivy and a Python loop.

Each computes the same weighted sum over the same expanded need skills as the engine's core.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from matching_world import Data, LinearNeed

from matching.index import claim_code


def sql_query(q: LinearNeed, k: int, cast: str) -> str:
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
    for table in ("portfolio_skills", "portfolio_occupations"):  # rows arrive in id order
        conn.execute(f"CREATE INDEX ON {table} USING brin (portfolio)")
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


def read_rows_postgres(url: str, ids: np.ndarray, parts: int) -> dict[str, np.ndarray]:
    """Read the search tables back as an index build would, in ``parts`` id ranges at once.

    Each aggregate costs the server per element, so skill, evidence weight and level travel
    packed into one int4 (weights are multiples of 1/8), occupation and fit into one int8.
    The ranges run on their own connections, so the server uses every core; each comes back
    in id order, as the rows were written, so the joined result needs no sort.
    """
    import psycopg

    edges = [int(ids[0])] + [int(ids[len(ids) * i // parts]) for i in range(1, parts)]
    edges.append(int(ids[-1]) + 1)

    def read(i: int) -> list[np.ndarray]:
        where = f"WHERE portfolio >= {edges[i]} AND portfolio < {edges[i + 1]}"
        with psycopg.connect(url) as conn:
            skills = _arrays(
                conn,
                "SELECT array_agg(portfolio), array_agg(skill * 64 + round(weight * 8)::int4 * 4 "
                f"+ level - 1) FROM portfolio_skills {where}",
                [">i4", ">i4"],
            )
            occupations = _arrays(
                conn,
                "SELECT array_agg(portfolio), array_agg(occupation::int8 * 65536 "
                f"+ round(fit * 65535)::int8) FROM portfolio_occupations {where}",
                [">i4", ">i8"],
            )
        return skills + occupations

    with ThreadPoolExecutor(parts) as pool:  # psycopg waits for the server without the GIL
        got = list(pool.map(read, range(parts)))
    pid, packed, occ_pid, occ_packed = (np.concatenate([g[c] for g in got]) for c in range(4))
    # Native 32-bit columns (the wire's are big-endian): 25M postings at 1M portfolios.
    packed = packed.astype(np.int32)
    occ_packed = occ_packed.astype(np.int64)
    return {
        "pid": pid.astype(np.int32),
        "skill": packed >> 6,
        "weight": ((packed >> 2) & 15).astype(np.float32) / 8,
        "level": ((packed & 3) + 1).astype(np.int16),
        "occ_pid": occ_pid.astype(np.int32),
        "occ": occ_packed >> 16,
        "fit": ((occ_packed & 65535) / 65535).astype(np.float32),
    }


def read_rows_duckdb(con: Any) -> dict[str, np.ndarray]:
    s = con.sql(
        "SELECT portfolio AS pid, skill, weight, level FROM portfolio_skills ORDER BY portfolio"
    ).fetchnumpy()
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
