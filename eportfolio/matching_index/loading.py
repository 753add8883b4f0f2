"""Read what the matching index needs in columns, never as one ORM object per portfolio.

A worker's start must load a national population: a million portfolios as objects (with
their claims, languages and experiences) would take gigabytes and minutes, so the start-up
reads plain rows in a handful of queries and hands the index arrays. The result is the same
as indexing ``engine.to_record`` of every consenting portfolio (a test holds them equal).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import BigInteger, Select, case, cast, delete, exists, func, insert, select
from sqlalchemy.orm import Session, aliased

from eportfolio.matching_index.columns import read_columns, read_rows
from eportfolio.matching_index.models import OccupationFit
from eportfolio.portfolios.models import (
    Education,
    EvidenceStatus,
    Experience,
    LanguageSkill,
    Portfolio,
    SkillClaim,
)
from eportfolio.privacy.models import ConsentKind, ConsentRecord
from eportfolio.taxonomy_store.models import Concept
from matching import PortfolioIndex
from matching.index import municipality_code
from matching.records import Evidence

EVIDENCE = {
    EvidenceStatus.SELF_DECLARED: Evidence.SELF,
    EvidenceStatus.DOCUMENTED: Evidence.DOCUMENTED,
    EvidenceStatus.VALIDATED: Evidence.VALIDATED,
    EvidenceStatus.CERTIFIED: Evidence.CERTIFIED,
}
_CHUNK = 10_000  # rows per statement when storing fits
CEFR_RANK = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}


def consenting(user_ids: list[int] | None = None) -> Select[tuple[int]]:
    """Return a query of the learners (of these, or all) who now let employers find them.

    A learner's latest matching-consent record decides: a granted one with no later one.
    Asked as "no later record exists" (an anti-join) rather than "the id is the maximum per
    learner", which made PostgreSQL group and look up every record again: 0.4 s instead of
    3.2 s for a million learners, and a worker's start asks it once per table it reads.
    A subquery, not a list of ids: a national population is far more than the 65,535 bind
    parameters a PostgreSQL statement may carry.
    """
    later = aliased(ConsentRecord)
    newer = select(later.id).where(
        later.user_id == ConsentRecord.user_id,
        later.kind == ConsentKind.MATCHING,
        later.id > ConsentRecord.id,
    )
    found = select(ConsentRecord.user_id).where(
        ConsentRecord.kind == ConsentKind.MATCHING, ConsentRecord.granted, ~exists(newer)
    )
    if user_ids is not None:
        found = found.where(ConsentRecord.user_id.in_(user_ids))
    return found


def cefr(mother_tongue: bool, *skills: str | None) -> int:
    """Return one language's CEFR rank 1..6: a mother tongue is 6, else the weakest skill."""
    if mother_tongue:
        return 6
    levels = [CEFR_RANK[x] for x in skills if x]
    return min(levels) if levels else 1


@dataclass
class Loaded:
    """The consenting portfolios, in portfolio id order."""

    portfolio_ids: NDArray[np.int64]
    user_ids: list[int]


def load_index(session: Session, index: PortfolioIndex) -> Loaded:
    """Fill ``index`` with every consenting portfolio, read column-wise."""
    visible = select(Portfolio.id).where(Portfolio.user_id.in_(consenting()))
    people = read_rows(
        session,
        select(Portfolio.id, Portfolio.user_id, Portfolio.municipality_code)
        .where(Portfolio.id.in_(visible))
        .order_by(Portfolio.id),
    )
    ids = np.array([p for p, _, _ in people], dtype=np.int64)
    concepts = read_rows(session, select(Concept.id, Concept.uri))
    rows, skills, levels, evidence = _claims(session, index, visible, ids, concepts)
    fits = None
    if index.occupations is not None:
        fits = occupation_fits(session, index, ids, rows, skills, concepts).all()
    places: dict[str | None, int] = {}  # a few hundred kommuner among a million people
    index.fit_arrays(
        ids,
        rows,
        skills,
        levels,
        evidence,
        municipalities=np.array(
            [
                places[m] if m in places else places.setdefault(m, municipality_code(m))
                for _, _, m in people
            ],
            dtype=np.int64,
        ),
        languages=_languages(session, visible, ids),
        texts=_texts(session, visible, ids),
        occupation_fit=fits,
    )
    return Loaded(ids, [u for _, u, _ in people])


def model_key(index: PortfolioIndex) -> str:
    """Return a fingerprint of everything occupation fits depend on besides the skills.

    The fitted model's arrays and the skill and occupation ids they are indexed by: a new
    taxonomy version or changed model parameters make every stored fit stale.
    """
    model, space = index.occupations, index.space
    assert model is not None, "occupation fits need an occupation model"
    digest = hashlib.sha1(usedforsecurity=False)
    for ids in (space.skill_ids_, space.occupation_ids_):
        digest.update("\x1f".join(map(str, ids.tolist())).encode())
        digest.update(b"\x1e")
    weights = model.weights_t_
    for array in (weights.indptr, weights.indices, weights.data, model.bias_):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(repr(sorted(model.get_params().items())).encode())
    return digest.hexdigest()


def skills_keys(
    rows: NDArray[np.int64], skills: NDArray[np.int64], n: int, n_skills: int
) -> NDArray[np.int64]:
    """Return a fingerprint of each row's set of skills (0 for none), whatever their order.

    Two sums of fixed random 26-bit numbers per skill, each exact in float64 and kept modulo
    2**26: 52 bits, so a changed skill set goes unnoticed once in 4.5e15. The numbers depend
    only on the skill space's size (the model key covers the space).
    """
    draw = np.random.default_rng(20261128)  # fixed: every process must draw the same numbers
    low, high = draw.integers(0, 2**26, n_skills), draw.integers(0, 2**26, n_skills)
    key = np.zeros(n, dtype=np.int64)
    for part, shift in ((low, 0), (high, 26)):
        total = np.bincount(rows, part[skills].astype(np.float64), minlength=n)
        key |= (total.astype(np.int64) % 2**26) << shift
    return key


@dataclass
class Fits:
    """Occupation fits by row: those stored and still valid, and those computed now."""

    stored: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]
    computed: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]
    computed_rows: NDArray[np.int64]  # rows whose fits were computed (maybe none above min)
    keys: NDArray[np.int64]  # skills_keys of every row
    model_key: str
    occupation_concept: NDArray[np.int64]  # occupation index -> concept id

    def all(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
        s, c = self.stored, self.computed
        return (
            np.concatenate([s[0], c[0]]),
            np.concatenate([s[1], c[1]]),
            np.concatenate([s[2], c[2]]).astype(np.float32),
        )


def occupation_fits(
    session: Session,
    index: PortfolioIndex,
    ids: NDArray[np.int64],
    rows: NDArray[np.int64],
    skills: NDArray[np.int64],
    concepts: list[tuple[Any, ...]],
) -> Fits:
    """Return every row's occupation fits: stored where still valid, else computed now."""
    space = index.space
    key, keys = model_key(index), skills_keys(rows, skills, len(ids), space.n_skills)
    concept_of_uri = {uri: cid for cid, uri in concepts}
    occupation_concept = np.array(
        [concept_of_uri.get(str(u), -1) for u in space.occupation_ids_], dtype=np.int64
    )
    occupation_of = np.full(max((c for c, _ in concepts), default=0) + 1, -1, dtype=np.int64)
    known = occupation_concept >= 0
    occupation_of[occupation_concept[known]] = np.flatnonzero(known)
    # No consent filter here: store_fits keeps only consenting portfolios' fits, and rows of
    # anyone not in ``ids`` (withdrawn since) are dropped below.
    pid, concept, fit, stored_key = read_columns(
        session,
        select(
            OccupationFit.portfolio_id,
            OccupationFit.occupation_id,
            OccupationFit.fit,
            OccupationFit.skills_key,
        ).where(OccupationFit.model_key == key),
        ["int32", "int64", "float32", "int64"],
    )
    row, listed = _rows_of(ids, pid)
    seen = concept < len(occupation_of)  # a concept added since ``concepts`` was read: no
    occ = np.where(seen, occupation_of[np.where(seen, concept, 0)], -1)
    ok = listed & (occ >= 0) & (stored_key == keys[row])
    # A row is valid when it has stored fits and every one of them matches its skills now;
    # a row without skills has no fits to store.
    bad = np.zeros(len(ids), dtype=bool)
    bad[row[listed & ~ok]] = True
    has = np.zeros(len(ids), dtype=bool)
    has[row[ok]] = True
    valid = (has & ~bad) | (keys == 0)
    keep = ok & valid[row]
    redo = np.flatnonzero(~valid)
    computed = _compute_fits(index, rows, skills, len(ids), redo)
    return Fits(
        (row[keep], occ[keep], fit[keep]),
        computed,
        redo,
        keys,
        key,
        occupation_concept,
    )


def store_fits(session: Session, index: PortfolioIndex) -> dict[str, int]:
    """Write every consenting portfolio's occupation fits where the stored ones are stale.

    ``index`` supplies the skill space and occupation model (it need not be fitted). Fits of
    another model, and of portfolios no longer consenting, are deleted. Returns counts.
    """
    visible = select(Portfolio.id).where(Portfolio.user_id.in_(consenting()))
    ids = read_columns(session, select(Portfolio.id).where(Portfolio.id.in_(visible)), ["int64"])
    ids = np.sort(ids[0])
    concepts = read_rows(session, select(Concept.id, Concept.uri))
    rows, skills, _, _ = _claims(session, index, visible, ids, concepts)
    fits = occupation_fits(session, index, ids, rows, skills, concepts)
    # "No consenting portfolio of that id" as an anti-join: NOT IN over a million ids can make
    # PostgreSQL rescan the list for every row.
    consents = select(Portfolio.id).where(
        Portfolio.id == OccupationFit.portfolio_id, Portfolio.user_id.in_(consenting())
    )
    old = delete(OccupationFit).where(
        (OccupationFit.model_key != fits.model_key) | ~exists(consents)
    )
    dropped = session.execute(old).rowcount or 0
    redo = ids[fits.computed_rows]
    for lo in range(0, len(redo), _CHUNK):  # bounded statements, not one list of everyone
        part = redo[lo : lo + _CHUNK].tolist()
        gone = delete(OccupationFit).where(OccupationFit.portfolio_id.in_(part))
        dropped += session.execute(gone).rowcount or 0
    row, occ, prob = fits.computed
    concept = fits.occupation_concept[occ]
    known = concept >= 0
    mk = fits.model_key
    values = [
        {"portfolio_id": p, "occupation_id": c, "fit": f, "skills_key": k, "model_key": mk}
        for p, c, f, k in zip(
            ids[row[known]].tolist(),
            concept[known].tolist(),
            prob[known].tolist(),
            fits.keys[row[known]].tolist(),
            strict=True,
        )
    ]
    for lo in range(0, len(values), _CHUNK):
        session.execute(insert(OccupationFit), values[lo : lo + _CHUNK])
    session.flush()
    return {"portfolios": len(redo), "written": len(values), "deleted": dropped}


def _compute_fits(
    index: PortfolioIndex,
    rows: NDArray[np.int64],
    skills: NDArray[np.int64],
    n: int,
    redo: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float32]]:
    """Return the occupation fits of rows ``redo``, computed from their skills."""
    if not len(redo):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    position = np.full(n, -1, dtype=np.int64)
    position[redo] = np.arange(len(redo))
    pick = position[rows] >= 0
    presence = index.presence(position[rows[pick]], skills[pick], len(redo))
    at, occ, prob = index.occupations.posterior_top(presence, threads=index.n_jobs or 1)
    return redo[at], occ, prob


def _rows_of(
    ids: NDArray[np.int64], portfolio_ids: Any
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Return the index row of each portfolio id (``ids`` is sorted) and whether it is one.

    Each statement sees the database as of its own start: a portfolio whose owner consented
    after the list of portfolios was read can show up in a later read, and must not be
    taken for the row its id would sort into. (The change log brings it in after the build.)
    """
    pid = np.asarray(portfolio_ids, dtype=np.int64)
    at = np.minimum(np.searchsorted(ids, pid), max(len(ids) - 1, 0))
    listed = ids[at] == pid if len(ids) else np.zeros(len(pid), dtype=bool)
    return at, listed


def _claims(
    session: Session,
    index: PortfolioIndex,
    visible: Select[tuple[int]],
    ids: NDArray[np.int64],
    known: list[tuple[Any, ...]],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Return (row, skill, level, evidence) of each claim of a skill the index knows.

    A portfolio claims a concept once (a unique constraint) and concepts map one to one to
    skills, so there are no repeats to resolve.
    """
    rank = {status: int(e) for status, e in EVIDENCE.items()}
    evidence = case(*((SkillClaim.status == st, e) for st, e in rank.items()), else_=0)
    level = func.coalesce(SkillClaim.verified_level, SkillClaim.level)
    # Two numbers per claim instead of four: the database aggregates (and sends) half as
    # many values. Levels are 1..4 and evidence 0..3, three bits each.
    pid, packed = read_columns(
        session,
        select(
            SkillClaim.portfolio_id,
            cast(SkillClaim.concept_id, BigInteger) * 64 + evidence * 8 + level,
        ).where(SkillClaim.portfolio_id.in_(visible)),
        ["int32", "int64"],
    )
    if not len(pid) or not known:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    skill_of = np.full(max(c for c, _ in known) + 1, -1, dtype=np.int64)
    skill_of[[c for c, _ in known]] = index.space.indices(u for _, u in known)
    row, listed = _rows_of(ids, pid)
    skill = skill_of[packed >> 6]
    # Concepts outside the skill space (retired, not skills) never match; portfolios that
    # gained consent after ``ids`` was read join through the change log instead.
    keep = (skill >= 0) & listed
    return row[keep], skill[keep], (packed & 7)[keep], ((packed >> 3) & 7)[keep]


def _languages(
    session: Session, visible: Select[tuple[int]], ids: NDArray[np.int64]
) -> dict[str, NDArray[np.uint8]]:
    """Return per language the CEFR rank of each portfolio (0 when it does not list it)."""
    skills = [LanguageSkill.listening, LanguageSkill.reading]
    skills += [LanguageSkill.speaking, LanguageSkill.writing]
    found = read_rows(
        session,
        select(
            LanguageSkill.portfolio_id,
            LanguageSkill.language,
            case((LanguageSkill.mother_tongue, 1), else_=0),
            *(case(*((s == level, r) for level, r in CEFR_RANK.items()), else_=0) for s in skills),
        ).where(LanguageSkill.portfolio_id.in_(visible)),
    )
    out: dict[str, NDArray[np.uint8]] = {}
    if not found:
        return out
    pid, names, mother, *levels = zip(*found, strict=True)
    # As ``cefr``: a mother tongue is 6, else the weakest skill given, else 1.
    given = np.array(levels, dtype=np.int64)
    weakest = np.where(given > 0, given, 7).min(axis=0)
    rank = np.where(np.array(mother) > 0, 6, np.where(weakest < 7, weakest, 1))
    language = np.array(names, dtype=object)
    row, listed = _rows_of(ids, pid)
    for name in sorted(set(names)):
        column = np.zeros(len(ids), dtype=np.uint8)
        pick = (language == name) & listed
        column[row[pick]] = rank[pick]  # one row per (portfolio, language): a constraint
        out[name] = column
    return out


def _texts(session: Session, visible: Select[tuple[int]], ids: NDArray[np.int64]) -> list[str]:
    """Return each portfolio's free text the way ``engine.to_record`` joins it."""
    parts: dict[int, list[str]] = defaultdict(list)
    for pid, occupation, description in read_rows(
        session,
        select(Experience.portfolio_id, Experience.occupation_text, Experience.description)
        .where(Experience.portfolio_id.in_(visible))
        .order_by(Experience.id),
    ):
        parts[pid].append(occupation + " " + (description or ""))
    for pid, programme in read_rows(
        session,
        select(Education.portfolio_id, Education.programme)
        .where(Education.portfolio_id.in_(visible))
        .order_by(Education.id),
    ):
        parts[pid].append(programme)
    return [" ".join(parts.get(int(p), ())) for p in ids]
