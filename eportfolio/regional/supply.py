"""Supply against demand and gap skills for every occupation group, computed in bulk.

Occupation fit is the matching engine's profile coverage (``Recommender._coverage``): the share
of an occupation's positive skill weights that a portfolio holds, 0..100. A missing skill lifts
a person over the threshold when its weight share closes the distance (the engine's gap gain).
Every learner counts here, consenting to matching or not: these are aggregates, never persons.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.employers.models import Need
from eportfolio.matching_index.engine import taxonomy_from_db
from eportfolio.portfolios.models import EvidenceStatus, Portfolio, SkillClaim, TargetOccupation
from eportfolio.regional.aggregates import published
from eportfolio.regional.municipalities import SKANE_COUNTY, SKNO_MUNICIPALITIES
from eportfolio.taxonomy_store.models import Concept, DemandCount, ShortageAssessment
from matching import OccupationModel, SkillSpace

KOMMUNER = [code for code, _ in SKNO_MUNICIPALITIES]
TOP_GAPS = 15
CHUNK = 20_000
GROUP_KIND = "occupation-group"


@dataclass
class Model:
    """The engine's skill space and occupation weights, grouped by SSYK-4."""

    space: SkillSpace
    weights: sp.csr_matrix  # occupations x skills, positive parts only
    totals: np.ndarray  # per occupation: the sum of its weights
    group_of: dict[int, str]  # occupation index -> ssyk4
    group_of_uri: dict[str, str]  # occupation or group uri -> ssyk4


def build_model(session: Session) -> Model:
    """Build the same space and occupation model the matching engine builds."""
    tax = taxonomy_from_db(session)
    space = SkillSpace.from_taxonomy(tax)
    occ = OccupationModel().fit(space)
    weights = occ.weights_.copy()
    weights.data = np.maximum(weights.data, 0.0)
    totals = np.maximum(np.asarray(weights.sum(axis=1)).ravel(), 1e-12)
    group_of_uri: dict[str, str] = {}
    for concept in tax.concepts.values():
        if concept.code and concept.kind.value in ("occupation", GROUP_KIND):
            group_of_uri[concept.id] = concept.code[:4]
    group_of = {
        i: group_of_uri[str(uri)]
        for i, uri in enumerate(space.occupation_ids_)
        if str(uri) in group_of_uri
    }
    return Model(space, weights.tocsr(), totals, group_of, group_of_uri)


def _portfolios(session: Session, model: Model) -> dict[str, Any]:
    """Read every portfolio's kommun, skills (all / validated) and target groups as arrays."""
    rows = session.execute(select(Portfolio.id, Portfolio.municipality_code)).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    row_of = {pid: k for k, pid in enumerate(ids.tolist())}
    kommun = np.array([KOMMUNER.index(r[1]) if r[1] in KOMMUNER else -1 for r in rows])
    uri_of = dict(session.execute(select(Concept.id, Concept.uri)).all())
    skill_index = model.space.skill_index_
    r_all, s_all, r_val, s_val = [], [], [], []
    strong = {EvidenceStatus.VALIDATED, EvidenceStatus.CERTIFIED}
    query = select(SkillClaim.portfolio_id, SkillClaim.concept_id, SkillClaim.status)
    for pid, cid, status in session.execute(query.execution_options(yield_per=50_000)):
        s = skill_index.get(uri_of.get(cid))
        if s is None or pid not in row_of:
            continue
        r_all.append(row_of[pid])
        s_all.append(s)
        if status in strong:
            r_val.append(row_of[pid])
            s_val.append(s)
    n, n_skills = len(ids), model.space.n_skills
    targets: dict[str, set[int]] = defaultdict(set)
    for pid, cid in session.execute(
        select(TargetOccupation.portfolio_id, TargetOccupation.concept_id)
    ):
        group = model.group_of_uri.get(uri_of.get(cid, ""))
        if group and pid in row_of:
            targets[group].add(row_of[pid])
    return {
        "n": n,
        "kommun": kommun,
        "all": _presence(r_all, s_all, n, n_skills),
        "validated": _presence(r_val, s_val, n, n_skills),
        "targets": targets,
    }


def _presence(rows: list[int], skills: list[int], n: int, n_skills: int) -> sp.csr_matrix:
    x = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, skills)), shape=(n, n_skills), dtype=np.float32
    )
    x.data[:] = 1.0
    return x


def coverage(model: Model, presence: sp.csr_matrix) -> np.ndarray:
    """Return (portfolios x occupations) fit 0..100, as ``Recommender._coverage`` computes it."""
    out = np.zeros((presence.shape[0], model.weights.shape[0]), dtype=np.float32)
    wt = model.weights.T.tocsr()
    for lo in range(0, presence.shape[0], CHUNK):
        part = (presence[lo : lo + CHUNK] @ wt).toarray()
        out[lo : lo + CHUNK] = 100.0 * part / model.totals
    return out


def _per_kommun(rows: np.ndarray, kommun: np.ndarray) -> list[int]:
    k = kommun[rows]
    k = k[k >= 0]
    return np.bincount(k, minlength=len(KOMMUNER)).tolist()


def compute(session: Session, threshold: float = 60.0, near: float = 20.0) -> dict[str, Any]:
    """Compute the supply, demand and gap figures, already suppressed for publication."""
    model = build_model(session)
    data = _portfolios(session, model)
    fit_all = coverage(model, data["all"])
    fit_val = coverage(model, data["validated"])
    presence = data["all"].tocsr()
    kommun = data["kommun"]
    groups = sorted(set(model.group_of.values()) | set(_demand_groups(session)))
    members: dict[str, list[int]] = defaultdict(list)
    for o, g in model.group_of.items():
        members[g].append(o)
    targeting, qualified, validated, gaps = [], [], [], {}
    q_totals, v_totals = [], []
    for g in groups:
        occs = members.get(g, [])
        best = fit_all[:, occs].max(axis=1) if occs else np.zeros(data["n"])
        best_val = fit_val[:, occs].max(axis=1) if occs else np.zeros(data["n"])
        targeting.append(_per_kommun(np.array(sorted(data["targets"].get(g, ())), int), kommun))
        reached = best >= threshold
        both = _reached_and_validated(
            _per_kommun(np.nonzero(reached & (best_val >= threshold))[0], kommun),
            _per_kommun(np.nonzero(reached & (best_val < threshold))[0], kommun),
        )
        qualified.append(both["col_totals"])
        q_totals.append(both["grand"])
        validated.append(both["cells"][0])
        v_totals.append(both["row_totals"][0])
        gaps[g] = _gaps(model, occs, fit_all, presence, kommun, threshold, near, best)
    return {
        "threshold": threshold,
        "near": near,
        "kommuner": KOMMUNER,
        "groups": groups,
        "labels": _group_labels(session, groups),
        "shortage": _shortage(session),
        "targeting": published(targeting),
        "qualified": {"cells": qualified, "row_totals": q_totals},
        "validated": {"cells": validated, "row_totals": v_totals},
        "needs": _needs(session, groups),
        "ads": _ads(session, groups),
        "gaps": gaps,
    }


def _reached_and_validated(validated: list[int], others: list[int]) -> dict[str, Any]:
    """Suppress "validated" and "reached" together: the difference must not give anyone away."""
    return published([validated, others], row_totals=True, col_totals=True)


def _gaps(
    model: Model,
    occs: list[int],
    fit: np.ndarray,
    presence: sp.csr_matrix,
    kommun: np.ndarray,
    threshold: float,
    near: float,
    best: np.ndarray,
) -> dict[str, Any]:
    """Rank missing skills by how many near-threshold people each would lift over it."""
    lifted: dict[int, set[int]] = defaultdict(set)
    for o in occs:
        rows = np.nonzero((fit[:, o] >= threshold - near) & (best < threshold))[0]
        if not len(rows):
            continue
        lo, hi = model.weights.indptr[o], model.weights.indptr[o + 1]
        skills = model.weights.indices[lo:hi]
        gain = 100.0 * model.weights.data[lo:hi] / model.totals[o]
        held = presence[rows][:, skills].toarray() > 0
        lifts = (gain[None, :] >= threshold - fit[rows, o][:, None]) & ~held
        for col in np.nonzero(lifts.any(axis=0))[0]:
            lifted[int(skills[col])].update(rows[lifts[:, col]].tolist())
    ranked = sorted(
        lifted.items(), key=lambda kv: (-len(kv[1]), str(model.space.skill_ids_[kv[0]]))
    )
    ranked = ranked[:TOP_GAPS]
    matrix = [_per_kommun(np.array(sorted(people), int), kommun) for _s, people in ranked]
    return {
        "skills": [str(model.space.skill_ids_[s]) for s, _ in ranked],
        "lifted": published(matrix),
    }


def _demand_groups(session: Session) -> list[str]:
    codes = set(
        session.scalars(select(DemandCount.ssyk4).where(DemandCount.kommunkod.in_(KOMMUNER)))
    )
    codes |= {s for s in session.scalars(select(ShortageAssessment.ssyk4)) if s}
    return sorted(codes)


def _group_labels(session: Session, groups: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    concepts = session.scalars(
        select(Concept).where(Concept.kind == GROUP_KIND, Concept.code.in_(groups))
    )
    for c in concepts:
        # Keyed by the language each name is really in: a group without an English name has
        # only its Swedish one, which pages then mark as Swedish.
        names = (c.label_in("en"), c.label_in("sv"))
        out[c.code[:4]] = {n.lang or "sv": n.text for n in names}  # type: ignore[index]
    for code, label in session.execute(
        select(ShortageAssessment.ssyk4, ShortageAssessment.occupation_label)
    ):
        if code in groups and code not in out and label:
            out[code] = {"sv": label}  # Yrkesbarometer's names are Swedish
    return out


def _shortage(session: Session) -> dict[str, dict[str, str]]:
    """Return the latest recruitment situation per group and area (län 12 or a kommun)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    rows = session.execute(
        select(
            ShortageAssessment.ssyk4,
            ShortageAssessment.area_kind,
            ShortageAssessment.area_code,
            ShortageAssessment.recruitment,
        ).order_by(ShortageAssessment.period)
    )
    for code, kind, area, recruitment in rows:
        wanted = (kind == "kommun" and area in KOMMUNER) or area == SKANE_COUNTY
        if code and recruitment and wanted:
            out[code][area] = recruitment
    return dict(out)


def _needs(session: Session, groups: list[str]) -> dict[str, list[int]]:
    """Open employer needs per group and kommun (needs are not people: shown as they are)."""
    out = {g: [0] * len(KOMMUNER) for g in groups}
    uris = dict(session.execute(select(Concept.id, Concept.uri)).all())
    codes = dict(session.execute(select(Concept.id, Concept.code)).all())
    group_of = _occupation_groups(session)
    for cid, kommun in session.execute(
        select(Need.occupation_concept_id, Need.municipality_code).where(Need.is_open.is_(True))
    ):
        group = group_of.get(cid) or (codes.get(cid) or "")[:4] or None
        if group in out and kommun in KOMMUNER and uris.get(cid):
            out[group][KOMMUNER.index(kommun)] += 1
    return out


def _occupation_groups(session: Session) -> dict[int, str]:
    """Occupation concept id -> SSYK-4 of its group (seed occupations carry no code)."""
    from eportfolio.taxonomy_store.models import ConceptRelation

    group = dict(
        session.execute(select(Concept.id, Concept.code).where(Concept.kind == GROUP_KIND)).all()
    )
    out: dict[int, str] = {}
    for src, dst in session.execute(
        select(ConceptRelation.source_id, ConceptRelation.target_id).where(
            ConceptRelation.kind == "broader"
        )
    ):
        if group.get(dst):
            out[src] = group[dst][:4]
    return out


def _ads(session: Session, groups: list[str]) -> dict[str, Any]:
    """Job ads per group: the seven kommuner, Skåne as a whole, per period (public data)."""
    periods = sorted(set(session.scalars(select(DemandCount.period))))
    latest = periods[-1] if periods else None
    by_kommun = {g: [0] * len(KOMMUNER) for g in groups}
    skane: dict[str, int] = defaultdict(int)
    trend: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = session.execute(
        select(DemandCount.ssyk4, DemandCount.kommunkod, DemandCount.period, DemandCount.ads).where(
            DemandCount.kommunkod.like(f"{SKANE_COUNTY}%")
        )
    )
    for code, kommun, period, ads in rows:
        if kommun in KOMMUNER:
            trend[code][period] += ads
        if period != latest:
            continue
        if code in by_kommun and kommun in KOMMUNER:
            by_kommun[code][KOMMUNER.index(kommun)] += ads
        skane[code] += ads
    return {
        "period": latest,
        "periods": periods,
        "by_kommun": by_kommun,
        "skane": dict(skane),
        "trend": {g: dict(v) for g, v in trend.items()},
    }
