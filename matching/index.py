"""The portfolio index: one sparse row per searchable portfolio, changed one at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, clone

from matching.occupations import OccupationModel
from matching.postings import Postings, _grown
from matching.records import Portfolio, SkillClaim
from matching.space import SkillSpace
from matching.text import TextVectoriser

LEVELS = 4  # proficiency 1..4; a posting stores evidence * LEVELS + (level - 1) in one byte
CODES = 4 * LEVELS


def claim_code(level: NDArray[Any] | int, evidence: NDArray[Any] | int) -> NDArray[np.uint8]:
    """Pack proficiency 1..4 and evidence 0..3 into one byte."""
    lv = np.clip(np.asarray(level), 1, LEVELS) - 1
    code: NDArray[np.uint8] = (np.asarray(evidence) * LEVELS + lv).astype(np.uint8)
    return code


def municipality_code(value: str | None) -> int:
    """Return an SCB kommunkod as int, -1 when unknown."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else -1


def distinct_claims(space: SkillSpace, portfolio: Portfolio) -> dict[int, SkillClaim]:
    """Return the known skills of a portfolio, the best-backed claim where one repeats."""
    out: dict[int, SkillClaim] = {}
    for claim, i in zip(
        portfolio.skills, space.indices(c.skill for c in portfolio.skills), strict=True
    ):
        old = out.get(int(i))
        if i >= 0 and (old is None or (claim.evidence, claim.level) > (old.evidence, old.level)):
            out[int(i)] = claim
    return out


def _by_top_occupation(
    n: int, occupation_fit: tuple[NDArray[Any], NDArray[Any], NDArray[Any]] | None
) -> NDArray[np.int64]:
    """Return the rows ordered by their most probable occupation (rows without one last)."""
    key = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    if occupation_fit is not None and len(occupation_fit[0]):
        r, o, p = (np.asarray(a) for a in occupation_fit)
        best = np.lexsort((-p, r))  # per row, the most probable first
        first = np.ones(len(best), dtype=bool)
        first[1:] = r[best][1:] != r[best][:-1]
        key[r[best][first]] = o[best][first]
    order: NDArray[np.int64] = np.argsort(key, kind="stable")
    return order


def _index_type(size: int) -> type[np.signedinteger[Any]]:
    """Return int32 where positions up to ``size`` fit: half the memory of int64 to fill."""
    return np.int32 if size < np.iinfo(np.int32).max else np.int64


def _row_counts(rows: NDArray[Any], n: int) -> NDArray[np.int64]:
    """Return each row's number of postings; ``rows`` sorted (no intp copy, unlike bincount)."""
    bounds = np.searchsorted(rows, np.arange(n + 1, dtype=rows.dtype))
    counts: NDArray[np.int64] = np.diff(bounds)
    return counts


def _blocks(counts: NDArray[np.int64], order: NDArray[np.int64]) -> NDArray[np.signedinteger[Any]]:
    """Return positions that put row-sorted postings in the row order ``order``, no sort."""
    start = np.cumsum(counts) - counts
    moved = counts[order]
    kind = _index_type(int(moved.sum()))
    shift = np.repeat((start[order] - (np.cumsum(moved) - moved)).astype(kind), moved)
    at: NDArray[np.signedinteger[Any]] = np.arange(len(shift), dtype=kind)
    at += shift
    return at


class PortfolioIndex(BaseEstimator):  # type: ignore[misc]
    """Hold consenting portfolios; add, update and remove them singly, removal at once."""

    def __init__(
        self,
        space: SkillSpace,
        occupations: OccupationModel | None = None,
        text: TextVectoriser | None = None,
        compact_every: int = 200_000,
        n_jobs: int | None = None,
    ) -> None:
        self.space = space
        self.occupations = occupations
        self.text = text
        self.compact_every = compact_every
        self.n_jobs = n_jobs  # threads for a bulk build's occupation fits; None is one

    # -- bulk ---------------------------------------------------------------------------------
    def fit(self, portfolios: Iterable[Portfolio]) -> PortfolioIndex:
        """Index these portfolios from scratch."""
        items = list(portfolios)
        rows, skills, levels, evidence = [], [], [], []
        for r, p in enumerate(items):
            claims = distinct_claims(self.space, p)
            rows += [r] * len(claims)
            skills += list(claims)
            levels += [c.level for c in claims.values()]
            evidence += [int(c.evidence) for c in claims.values()]
        return self.fit_arrays(
            np.array([p.id for p in items], dtype=np.int64),
            np.array(rows, dtype=np.int64),
            np.array(skills, dtype=np.int64),
            np.array(levels, dtype=np.int64),
            np.array(evidence, dtype=np.int64),
            municipalities=[p.municipality for p in items],
            languages=[p.languages for p in items],
            texts=[p.experience_text for p in items],
        )

    def fit_arrays(
        self,
        ids: NDArray[np.int64],
        rows: NDArray[np.int64],
        skills: NDArray[np.int64],
        levels: NDArray[np.int64],
        evidence: NDArray[np.int64],
        *,
        municipalities: Sequence[str | None] | NDArray[np.int64] | None = None,
        languages: Sequence[Mapping[str, int]] | Mapping[str, NDArray[np.uint8]] | None = None,
        texts: Sequence[str] | None = None,
        occupation_fit: tuple[NDArray[Any], NDArray[Any], NDArray[Any]] | None = None,
        text_vectors: sp.csr_matrix | None = None,
    ) -> PortfolioIndex:
        """Index from column arrays, as read from a ``portfolio_skills`` table.

        ``rows`` index into ``ids``, one posting per (row, skill); ``occupation_fit`` is
        (row, occupation, probability) as stored by the app, computed here when absent;
        ``text_vectors`` are stored TF-IDF rows made by ``text``, which must then be fitted.
        """
        n = len(ids)
        # Narrow types from here on: at a million portfolios (25M postings) every int64 copy
        # is 200 MB to write, and fresh memory costs as much to map as to fill.
        rows = np.asarray(rows).astype(_index_type(n), copy=False)
        skills = np.asarray(skills)
        if skills.dtype.itemsize > 4:
            skills = skills.astype(np.int32)
        codes = claim_code(levels, evidence)
        if occupation_fit is None and self.occupations is not None:
            occupation_fit = self.occupations.posterior_top(
                self.presence(rows, skills, n), threads=self.n_jobs or 1
            )
        if n and len(rows) and not np.any(rows[1:] < rows[:-1]):
            # Number rows by most probable occupation: a need's postings then fall on nearby
            # rows, and scattering them into the score vector stays in cache (10-20 % faster
            # at a million rows). Portfolios added later simply go at the end.
            order = _by_top_occupation(n, occupation_fit)
            new_row = np.empty(n, dtype=np.int64)
            new_row[order] = np.arange(n)
            counts = _row_counts(rows, n)
            take = _blocks(counts, order)
            rows = np.repeat(np.arange(n, dtype=_index_type(n)), counts[order])
            skills, codes = skills[take], codes[take]
            ids = np.asarray(ids)[order]
            if isinstance(municipalities, np.ndarray):
                municipalities = municipalities[order]
            elif municipalities is not None:
                municipalities = [municipalities[i] for i in order.tolist()]
            if isinstance(languages, Mapping):
                languages = {k: np.asarray(v)[order] for k, v in languages.items()}
            elif languages is not None:
                languages = [languages[i] for i in order.tolist()]
            if texts is not None:
                texts = [texts[i] for i in order.tolist()]
            if text_vectors is not None:
                text_vectors = text_vectors.tocsr()[order]
            if occupation_fit is not None:
                fit_row, occ, prob = occupation_fit
                occupation_fit = (new_row[np.asarray(fit_row, dtype=np.int64)], occ, prob)
        self.n_rows_ = n
        self.ids_ = np.asarray(ids, dtype=np.int64).copy()
        self.alive_ = np.ones(n, dtype=bool)
        self.row_of_ = dict(zip(self.ids_.tolist(), range(n), strict=True))
        if len(self.row_of_) != n:
            raise ValueError("portfolio ids must be unique")
        self.skills_ = Postings(self.space.n_skills, np.uint8)
        self.skills_.load(rows, skills, codes, n)
        if municipalities is None:
            self.municipality_ = np.full(n, -1, dtype=np.int32)
        elif isinstance(municipalities, np.ndarray):
            self.municipality_ = municipalities.astype(np.int32)
        else:
            self.municipality_ = np.array([municipality_code(m) for m in municipalities], np.int32)
        self.languages_: dict[str, NDArray[np.uint8]] = {}
        if isinstance(languages, Mapping):  # columns: language -> CEFR per row, 0 = none
            self.languages_ = {
                k: np.asarray(v, dtype=np.uint8).copy() for k, v in languages.items()
            }
        else:
            for r, langs in enumerate(languages or ()):
                for lang, level in langs.items():
                    self._language(lang)[r] = level
        n_occ = len(self.space.occupation_ids_)
        self.occupation_fit_ = Postings(max(n_occ, 1), np.float32)
        if occupation_fit is not None:
            self.occupation_fit_.load(*occupation_fit, n)
        else:
            self.occupation_fit_.load(np.zeros(0), np.zeros(0), np.zeros(0), n)
        self.text_model_ = None
        x = None
        if self.text is not None and text_vectors is not None:
            self.text_model_, x = self.text, text_vectors.tocsr()
        elif self.text is not None and texts is not None and hasattr(self.text, "idf_"):
            # Fitted beforehand on texts of its own: every index built with it weighs words
            # alike, whoever it holds (app workers built at different times agree).
            self.text_model_, x = self.text, self.text.transform(texts)
        elif self.text is not None and texts is not None:
            self.text_model_ = clone(self.text)
            x = self.text_model_.fit_transform(texts)
        if x is not None and self.text_model_ is not None:
            self.text_ = Postings(self.text_model_.n_features, np.float32)
            owner = np.repeat(np.arange(n), np.diff(x.indptr))
            self.text_.load(owner, x.indices, x.data, n)
        return self

    def presence(self, rows: NDArray[Any], skills: NDArray[Any], n: int) -> sp.csr_matrix:
        """Return the presence matrix (rows x skills) the occupation model reads."""
        data = np.ones(len(rows), dtype=np.float32)
        x = sp.csr_matrix((data, (rows, skills)), shape=(n, self.space.n_skills))
        x.data[:] = 1.0  # a skill listed twice is still one skill
        return x

    def _language(self, lang: str) -> NDArray[np.uint8]:
        """Return the CEFR column of one language, created on first use."""
        col = self.languages_.get(lang)
        if col is None or len(col) < self.n_rows_:
            col = _grown(col if col is not None else np.zeros(0, np.uint8), self.n_rows_)
            self.languages_[lang] = col
        return col

    # -- single changes -----------------------------------------------------------------------
    def add(self, portfolio: Portfolio) -> None:
        """Make one consenting portfolio searchable (replacing an older version of it)."""
        self.remove(portfolio.id)
        row = self.n_rows_
        self.n_rows_ += 1
        self.ids_ = _grown(self.ids_, self.n_rows_)
        self.alive_ = _grown(self.alive_, self.n_rows_)
        self.municipality_ = _grown(self.municipality_, self.n_rows_)
        self.ids_[row] = portfolio.id
        self.municipality_[row] = municipality_code(portfolio.municipality)
        for lang, level in portfolio.languages.items():
            self._language(lang)[row] = level
        claims = distinct_claims(self.space, portfolio)
        idx = np.fromiter(claims, dtype=np.int64, count=len(claims))
        levels = np.array([c.level for c in claims.values()], dtype=np.int64)
        evidence = np.array([int(c.evidence) for c in claims.values()], dtype=np.int64)
        self.skills_.append(row, idx, claim_code(levels, evidence))
        if self.occupations is not None:
            _, occ, prob = self.occupations.posterior_top(self.presence(np.zeros(len(idx)), idx, 1))
            self.occupation_fit_.append(row, occ, prob)
        else:
            self.occupation_fit_.append(row, np.zeros(0), np.zeros(0))
        if self.text_model_ is not None:
            keys, vals = self.text_model_.vector(portfolio.experience_text)
            self.text_.append(row, keys, vals)
        self.alive_[row] = True
        self.row_of_[portfolio.id] = row
        if self.skills_.delta_size() > self.compact_every:
            self.compact()

    def update(self, portfolio: Portfolio) -> None:
        """Replace a portfolio's content; same as ``add``."""
        self.add(portfolio)

    def single(self, portfolio: Portfolio) -> PortfolioIndex:
        """Return an index of just this portfolio sharing this one's fitted models."""
        one = PortfolioIndex(self.space, self.occupations, None, self.compact_every)
        one.fit([portfolio])
        if self.text_model_ is not None:
            one.text_model_ = self.text_model_
            one.text_ = Postings(self.text_model_.n_features, np.float32)
            keys, vals = self.text_model_.vector(portfolio.experience_text)
            one.text_.load(np.zeros(len(keys)), keys, vals, 1)
        return one

    def remove(self, portfolio_id: int) -> bool:
        """Stop matching a portfolio at once (consent withdrawn, erased); return if it was there."""
        row = self.row_of_.pop(portfolio_id, None)
        if row is None:
            return False
        self.alive_[row] = False
        return True

    def compact(self) -> None:
        """Fold recent additions into the key-major arrays and drop removed rows' postings."""
        alive = self.alive_[: self.n_rows_]
        for postings in self._families():
            postings.compact(alive)

    def _families(self) -> list[Postings]:
        out = [self.skills_, self.occupation_fit_]
        return out + ([self.text_] if self.text_model_ is not None else [])

    # -- reading ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.row_of_)

    def __contains__(self, portfolio_id: object) -> bool:
        return portfolio_id in self.row_of_

    def rows(self, portfolio_ids: Iterable[int]) -> NDArray[np.int64]:
        """Return the rows of live portfolios; a missing id raises KeyError."""
        return np.array([self.row_of_[p] for p in portfolio_ids], dtype=np.int64)

    def nbytes(self) -> int:
        """Return the memory held by the index arrays."""
        arrays: list[NDArray[Any]] = [self.ids_, self.alive_, self.municipality_]
        arrays += list(self.languages_.values())
        return int(sum(a.nbytes for a in arrays)) + sum(p.nbytes() for p in self._families())
