"""The matching benchmark's world: synthetic portfolios and needs on the ESCO skill set.

Shared by every contestant; the engine side (linear needs, the index build) lives here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from matching import Matcher, Need, NeedSkill, OccupationModel, PortfolioIndex
from matching.space import OccupationProfile, SkillSpace
from matching.text import TextVectoriser

ROOT = Path(__file__).resolve().parents[1]
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


def _first_distinct(
    rows: np.ndarray, skills: np.ndarray, limit: np.ndarray, n_skills: int
) -> tuple[np.ndarray, np.ndarray]:
    """Keep each row's first ``limit[row]`` distinct skills in draw order; return them by row."""
    first = np.sort(np.unique(rows * n_skills + skills, return_index=True)[1])
    rows, skills = rows[first], skills[first].astype(np.int64)
    order = np.argsort(rows, kind="stable")
    rows, skills = rows[order], skills[order]
    keep = np.arange(len(rows)) - np.searchsorted(rows, rows) < limit[rows]
    return rows[keep], skills[keep]


def generate(world: World, n: int, seed: int) -> Data:
    """Draw ``n`` portfolios of 10-40 distinct skills: most from one occupation, rest by Zipf."""
    rng = np.random.default_rng(seed)
    profile = world.space.profile_
    n_skills = profile.shape[1]
    has = np.flatnonzero(np.diff(profile.indptr) > 0)
    occ = has[rng.choice(len(has), n, p=_popularity(len(has), 0.8, rng))]
    size = rng.integers(10, 41, n)
    own = np.round(size * rng.uniform(0.5, 0.9, n)).astype(np.int64)
    plen = np.diff(profile.indptr)[occ]
    # Draw more than needed, then keep each row's first distinct skills: own ones, then extras.
    row_own = np.repeat(np.arange(n), 2 * own)
    pick = profile.indptr[occ][row_own] + (rng.random(len(row_own)) * plen[row_own]).astype(int)
    row_own, own_skills = _first_distinct(row_own, profile.indices[pick], own, n_skills)
    row_extra = np.repeat(np.arange(n), 2 * (size - np.minimum(own, plen)) + 4)
    extra = rng.choice(n_skills, len(row_extra), p=_popularity(n_skills, 1.0, rng))
    rows, skills = _first_distinct(
        np.concatenate([row_own, row_extra]), np.concatenate([own_skills, extra]), size, n_skills
    )
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
    plan.col_weight, plan.col_level = q.weight, q.min_level
    ids, _ = matcher.rank_linear(plan, k)
    return ids.tolist()


def build_engine(world: World, data: Data, rows: dict[str, np.ndarray]) -> PortfolioIndex:
    """Build the engine's index from database rows, as an app worker does at start."""
    # 32-bit and smaller columns throughout, as read: 25M postings at 1M portfolios.
    row_of = np.full(int(data.ids.max()) + 1, -1, dtype=np.int32)  # pid -> row, one gather
    row_of[data.ids] = np.arange(len(data.ids), dtype=np.int32)
    row = row_of[rows["pid"]]
    weights = np.asarray(Matcher().evidence_weights)
    evidence_of = np.zeros(int(weights.max() * 8) + 1, dtype=np.uint8)  # weights are in 1/8
    evidence_of[np.round(weights * 8).astype(int)] = np.arange(len(weights))
    evidence = evidence_of[np.round(rows["weight"] * 8).astype(np.int32)]
    occ_row = row_of[rows["occ_pid"]]
    index = PortfolioIndex(world.space, world.model, world.text)
    return index.fit_arrays(
        data.ids,
        row,
        rows["skill"],
        rows["level"],
        evidence,
        municipalities=data.municipality,
        languages=data.languages,
        occupation_fit=(occ_row, rows["occ"].astype(np.int64), rows["fit"]),
        text_vectors=data.text,
    )
