"""Evaluate search and recommend on a suite of ../shared/eval (metrics as its README defines).

python -m matching.evaluate --esco ../shared/data/esco-v1.1.1-en --cases ../shared/eval/esco-en
python -m matching.evaluate --jobtech ../shared/data/jobtech-taxonomy \
    --cases ../shared/eval/jobtech-sv
Add --from-text to read every skill through the taxonomy normaliser instead of its concept id.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from matching.index import PortfolioIndex
from matching.occupations import OccupationModel
from matching.records import Evidence, Need, NeedSkill, Portfolio, SkillClaim
from matching.search import Matcher
from matching.space import SkillSpace
from taxonomy.model import Taxonomy


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _concept_reader(tax: Taxonomy, lang: str, from_text: bool) -> Callable[[dict[str, Any]], str]:
    """Return how a skill item becomes a concept id: its ``concept``, or its ``text`` normalised."""
    if not from_text:
        return lambda item: str(item["concept"])
    from taxonomy.normalise import Normaliser

    normaliser = Normaliser.from_taxonomy(tax)
    cache: dict[str, str] = {}

    def read(item: dict[str, Any]) -> str:
        text = item["text"]
        if text not in cache:
            found = normaliser.lookup(text, lang=lang, limit=1)
            cache[text] = found[0].concept_id if found else ""
        return cache[text]

    return read


def ndcg_p_at_10(ranked: Sequence[str], relevant: dict[str, int]) -> tuple[float, float]:
    """Return nDCG@10 (linear gains) and P@10 of a ranked list of persona ids."""
    gains = [relevant.get(p, 0) for p in ranked[:10]]
    dcg = sum(g / np.log2(r + 2) for r, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum(g / np.log2(r + 2) for r, g in enumerate(ideal))
    return (dcg / idcg if idcg else 0.0), sum(g > 0 for g in gains) / 10


def evaluate_search(
    matcher: Matcher, needs: list[dict[str, Any]], persona_ids: list[str], read: Callable[..., str]
) -> dict[str, float]:
    """Rank all personas for every need; personas without any score follow by id."""
    by_int = {int(p[1:]): p for p in persona_ids}
    ndcg, p10 = [], []
    for q in needs:
        skills = [NeedSkill(read(s), int(s.get("min_level", 1)), True) for s in q["must"]]
        skills += [NeedSkill(read(s), 1, False) for s in q.get("nice", ())]
        need = Need([s for s in skills if s.skill], occupation=q.get("occupation"))
        ranked = [by_int[m.portfolio_id] for m in matcher.search(need, k=10, explain=False)]
        if len(ranked) < 10:
            seen = set(ranked)
            ranked += [p for p in sorted(persona_ids) if p not in seen][: 10 - len(ranked)]
        a, b = ndcg_p_at_10(ranked, q["relevant"])
        ndcg.append(a)
        p10.append(b)
    return {"search_ndcg10": float(np.mean(ndcg)), "search_p10": float(np.mean(p10))}


def evaluate_recommend(
    space: SkillSpace,
    model: OccupationModel,
    personas: list[dict[str, Any]],
    read: Callable[..., str],
) -> dict[str, float]:
    """Rank every occupation for every persona; ties go to the smaller occupation id."""
    rows, cols = [], []
    for r, p in enumerate(personas):
        idx = space.indices(read(s) for s in p["skills"])
        cols += [int(i) for i in idx if i >= 0]
        rows += [r] * int((idx >= 0).sum())
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(personas), space.n_skills))
    x.data[:] = 1.0
    scores = model.log_likelihood(x)
    names = space.occupation_ids_
    ranks = []
    for r, p in enumerate(personas):
        t = space.occupation_index_.get(p["occupation"])
        if t is None or not np.isfinite(scores[r, t]):
            ranks.append(len(names) + 1)  # not inferable: below every scored occupation
            continue
        row = scores[r]
        ties = (row == row[t]) & (names < names[t])
        ranks.append(1 + int((row > row[t]).sum()) + int(ties.sum()))
    rank = np.array(ranks, dtype=np.float64)
    return {
        "recommend_hit1": float(np.mean(rank == 1)),
        "recommend_hit5": float(np.mean(rank <= 5)),
        "recommend_mrr": float(np.mean(1 / rank)),
    }


def _portfolios(personas: list[dict[str, Any]], read: Callable[..., str]) -> list[Portfolio]:
    return [
        Portfolio(
            int(p["id"][1:]),
            [
                SkillClaim(read(s), int(s["level"]), Evidence.parse(s["evidence"]))
                for s in p["skills"]
            ],
        )
        for p in personas
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--esco", type=Path, help="ESCO CSV folder")
    source.add_argument("--jobtech", type=Path, help="JobTech taxonomy folder")
    parser.add_argument("--cases", type=Path, required=True, help="suite folder")
    parser.add_argument("--from-text", action="store_true", help="read skills from their text")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.esco:
        from taxonomy.loaders.esco import load_esco

        tax = load_esco(args.esco, dangling="skip")
    else:
        from taxonomy.loaders.jobtech import load_jobtech

        tax = load_jobtech(args.jobtech, dangling="skip")
    manifest = json.loads((args.cases / "manifest.json").read_text(encoding="utf-8"))
    read = _concept_reader(tax, manifest.get("lang", "en"), args.from_text)
    personas = _read_jsonl(args.cases / "personas.jsonl")
    needs = _read_jsonl(args.cases / "needs.jsonl")
    space = SkillSpace.from_taxonomy(tax)
    model = OccupationModel().fit(space)
    index = PortfolioIndex(space, model).fit(_portfolios(personas, read))
    matcher = Matcher().fit(index)
    result: dict[str, Any] = {"suite": manifest.get("suite", args.cases.name)}
    result["from_text"] = bool(args.from_text)
    result.update(evaluate_search(matcher, needs, [p["id"] for p in personas], read))
    result.update(evaluate_recommend(space, model, personas, read))
    result.update(
        personas=len(personas),
        needs=len(needs),
        occupations=len(space.occupation_ids_),
        seconds=round(time.perf_counter() - started, 1),
    )
    for key, value in result.items():
        if isinstance(value, float):
            result[key] = round(value, 4)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
