"""The skill space: skill ids, a sparse skill-similarity matrix and occupation skill profiles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator

from taxonomy.model import ConceptKind, RelationKind, Taxonomy


class Link(IntEnum):
    """How a portfolio skill relates to a need skill; the order breaks equal similarities."""

    SAME = 0
    NARROWER = 1  # the portfolio skill is a specialisation of the need skill
    BROADER = 2
    RELATED = 3
    SIBLING = 4  # both sit in the same small skill group
    COOCCURS = 5  # both are asked for by the same occupations


@dataclass(frozen=True, slots=True)
class OccupationProfile:
    """An occupation (or SSYK-4 group) with its family code and its skills."""

    id: str
    family: str | None
    essential: Sequence[str] = field(default_factory=tuple)
    optional: Sequence[str] = field(default_factory=tuple)


def _top_per_row(
    rows: NDArray[np.int64], cols: NDArray[np.int64], vals: NDArray[np.float64], n: int, keep: int
) -> NDArray[np.bool_]:
    """Return a mask keeping the ``keep`` largest values of each row (ties by column)."""
    order = np.lexsort((cols, -vals, rows))
    ranked_rows = rows[order]
    starts = np.searchsorted(ranked_rows, np.arange(n))
    rank = np.arange(len(order)) - starts[ranked_rows]
    mask = np.zeros(len(order), dtype=bool)
    mask[order[rank < keep]] = True
    return mask


class SkillSpace(BaseEstimator):  # type: ignore[misc]
    """Fit skill similarities and occupation profiles once per taxonomy version."""

    def __init__(
        self,
        narrower: float = 0.75,
        broader: float = 0.5,
        related: float = 0.5,
        sibling: float = 0.25,
        cooccurrence: float = 0.25,
        min_cooccurrence: float = 0.5,
        max_group_size: int = 30,
        max_neighbours: int = 4,
    ) -> None:
        self.narrower = narrower
        self.broader = broader
        self.related = related
        self.sibling = sibling
        self.cooccurrence = cooccurrence
        self.min_cooccurrence = min_cooccurrence
        self.max_group_size = max_group_size
        self.max_neighbours = max_neighbours

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy, **params: float) -> SkillSpace:
        """Fit a space on a taxonomy: its skills, skill relations and occupation profiles."""
        skill_ids = [c.id for c in taxonomy.skills()]
        edges = [
            (r.source, r.kind.value, r.target)
            for r in taxonomy.relations
            if r.kind in (RelationKind.BROADER, RelationKind.RELATED)
        ]
        profiles = []
        for concept in taxonomy.concepts.values():
            if concept.kind not in (ConceptKind.OCCUPATION, ConceptKind.OCCUPATION_GROUP):
                continue
            pairs = taxonomy.occupation_skills(concept.id)
            if not pairs:
                continue  # classification nodes and names without skills cannot be matched
            code = concept.code or ""
            # The family is the next level up: ISCO-4 for an ESCO occupation, SSYK-3 for SSYK-4.
            family = code[:4] if concept.kind is ConceptKind.OCCUPATION else code[:-1]
            profiles.append(
                OccupationProfile(
                    concept.id,
                    family or None,
                    tuple(s for s, ess in pairs if ess),
                    tuple(s for s, ess in pairs if not ess),
                )
            )
        return cls(**params).fit(skill_ids, edges, profiles)  # type: ignore[arg-type]

    def fit(
        self,
        skill_ids: Sequence[str],
        edges: Iterable[tuple[str, str, str]],
        occupations: Sequence[OccupationProfile] = (),
    ) -> SkillSpace:
        """Index the skills, build the similarity matrix and the occupation profiles.

        ``edges`` are ``(source, kind, target)`` with kind ``"broader"`` (source is narrower;
        the target may be a skill group) or ``"related"``.
        """
        self.skill_ids_ = np.asarray(skill_ids, dtype=object)
        self.skill_index_ = {s: i for i, s in enumerate(skill_ids)}
        n = len(skill_ids)
        self._fit_profiles(occupations)
        pairs: dict[tuple[int, int], tuple[float, int]] = {}

        def offer(a: int, b: int, value: float, link: Link) -> None:
            if a != b and value > 0 and value > pairs.get((a, b), (0.0, 0))[0]:
                pairs[(a, b)] = (value, int(link))

        children: dict[str, list[int]] = defaultdict(list)
        for source, kind, target in edges:
            a = self.skill_index_.get(source)
            if a is None:
                continue
            b = self.skill_index_.get(target)
            if kind == RelationKind.BROADER.value:
                children[target].append(a)
                if b is not None:  # a is narrower than b
                    offer(b, a, self.narrower, Link.NARROWER)
                    offer(a, b, self.broader, Link.BROADER)
            elif kind == RelationKind.RELATED.value and b is not None:
                offer(a, b, self.related, Link.RELATED)
                offer(b, a, self.related, Link.RELATED)
        for members in children.values():
            if 1 < len(members) <= self.max_group_size:
                for a in members:
                    for b in members:
                        offer(a, b, self.sibling, Link.SIBLING)
        rows, cols, vals, links = self._cooccurring()
        if pairs:
            keys = np.array(list(pairs.keys()), dtype=np.int64)
            got = np.array(list(pairs.values()))
            rows = np.concatenate([keys[:, 0], rows])
            cols = np.concatenate([keys[:, 1], cols])
            vals = np.concatenate([got[:, 0], vals])
            links = np.concatenate([got[:, 1].astype(np.int64), links])
        # One entry per pair: the strongest link, the earlier Link on equal strength.
        order = np.lexsort((links, -vals, cols, rows))
        rows, cols, vals, links = rows[order], cols[order], vals[order], links[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, vals, links = rows[first], cols[first], vals[first], links[first]
        keep = _top_per_row(rows, cols, vals, n, self.max_neighbours)
        diag = np.arange(n)
        rows = np.concatenate([diag, rows[keep]])
        cols = np.concatenate([diag, cols[keep]])
        link_vals = np.concatenate([np.full(n, Link.SAME), links[keep]])
        vals = np.concatenate([np.ones(n), vals[keep]])
        self.similarity_ = sp.csr_matrix((vals.astype(np.float32), (rows, cols)), shape=(n, n))
        self.link_ = sp.csr_matrix((link_vals.astype(np.int8) + 1, (rows, cols)), shape=(n, n))
        return self

    def _fit_profiles(self, occupations: Sequence[OccupationProfile]) -> None:
        """Store occupation profiles as a sparse (occupation x skill) matrix of kinds."""
        self.occupation_ids_ = np.asarray([o.id for o in occupations], dtype=object)
        self.occupation_index_ = {o.id: i for i, o in enumerate(occupations)}
        self.occupation_family_ = np.asarray([o.family or "" for o in occupations], dtype=object)
        members: dict[str, list[int]] = defaultdict(list)
        for i, occ in enumerate(occupations):
            if occ.family:
                members[occ.family].append(i)
        self.family_index_ = {f: np.array(m, dtype=np.int64) for f, m in members.items()}
        entries: dict[tuple[int, int], int] = {}
        for i, occ in enumerate(occupations):
            for kind, skills in ((2, occ.optional), (1, occ.essential)):  # essential wins
                for s in skills:
                    j = self.skill_index_.get(s)
                    if j is not None:
                        entries[(i, j)] = kind
        shape = (len(occupations), len(self.skill_ids_))
        keys = np.array(list(entries), dtype=np.int64).reshape(-1, 2)
        kinds = np.array(list(entries.values()), dtype=np.int8)
        profile = sp.csr_matrix((kinds, (keys[:, 0], keys[:, 1])), shape=shape)
        self.profile_ = profile
        n_occ = max(len(occupations), 1)
        df = np.bincount(profile.indices, minlength=len(self.skill_ids_))
        self.occupation_count_ = df
        # Specificity in [0, 1]: 1 for a skill of one occupation, near 0 for a skill of all.
        self.specificity_ = np.log((n_occ + 1) / (df + 1)) / np.log(n_occ + 1)

    def _cooccurring(
        self,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
        """Return skill pairs whose occupation sets have cosine >= ``min_cooccurrence``."""
        empty = np.zeros(0, dtype=np.int64)
        if self.cooccurrence <= 0 or self.profile_.nnz == 0:
            return empty, empty, np.zeros(0), empty
        x = self.profile_.astype(bool).astype(np.float32).tocsc()
        gram = (x.T @ x).tocoo()
        df = self.occupation_count_.astype(np.float64)
        cosine = gram.data / np.sqrt(df[gram.row] * df[gram.col])
        # Two skills that each appear once together would be "identical"; demand support.
        ok = (cosine >= self.min_cooccurrence) & (gram.row != gram.col) & (gram.data >= 2)
        rows = gram.row[ok].astype(np.int64)
        cols = gram.col[ok].astype(np.int64)
        vals = self.cooccurrence * cosine[ok]
        return rows, cols, vals, np.full(len(rows), int(Link.COOCCURS), dtype=np.int64)

    def indices(self, skill_ids: Iterable[str]) -> NDArray[np.int64]:
        """Map skill ids to indices; unknown ids map to -1."""
        return np.array([self.skill_index_.get(s, -1) for s in skill_ids], dtype=np.int64)

    def crediting(self, skill_ids: Iterable[str]) -> list[str]:
        """Return the skills that give credit to someone holding any of these (them included).

        A need naming none of them gives that person no skill points at all.
        """
        cols = self.indices(skill_ids)
        cols = cols[cols >= 0]
        if not len(cols):
            return []
        rows = np.unique(self.similarity_[:, cols].nonzero()[0])
        return [str(s) for s in self.skill_ids_[rows]]

    @property
    def n_skills(self) -> int:
        return len(self.skill_ids_)

    def family_members(self, occupation: int) -> NDArray[np.int64]:
        """Return the indices of the other occupations in the same family."""
        same = self.family_index_.get(self.occupation_family_[occupation])
        if same is None:
            return np.zeros(0, dtype=np.int64)
        others: NDArray[np.int64] = same[same != occupation]
        return others
