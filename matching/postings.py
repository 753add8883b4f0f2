"""Key-major postings (key -> rows, values) that take single-row appends without a rebuild."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray


def _grown(arr: NDArray[Any], size: int) -> NDArray[Any]:
    """Return ``arr`` with room for ``size`` items, doubling so appends stay amortised O(1)."""
    if size <= len(arr):
        return arr
    out = np.zeros(max(size, 2 * len(arr), 16), dtype=arr.dtype)
    out[: len(arr)] = arr
    return out


def _key_order(keys: NDArray[np.int32], n_keys: int) -> NDArray[np.int64]:
    """Return a stable order by key; 16-bit keys take numpy's radix sort."""
    small = keys.astype(np.uint16) if n_keys <= np.iinfo(np.uint16).max else keys
    return np.argsort(small, kind="stable")


def _spans(
    parts: list[tuple[NDArray[np.int64], NDArray[np.int32], NDArray[Any]]], keys: NDArray[np.int64]
) -> list[tuple[int, NDArray[np.int32], NDArray[Any]]]:
    """Return (position in ``keys``, rows, values) views of each non-empty key in each part."""
    out = []
    for indptr, rows, vals in parts:
        lo, hi = indptr[keys].tolist(), indptr[keys + 1].tolist()
        spans = enumerate(zip(lo, hi, strict=True))
        out += [(j, rows[a:b], vals[a:b]) for j, (a, b) in spans if b > a]
    return out


class Postings:
    """A compacted key-major part, an unsorted delta part, and a row-major copy of everything.

    Rows are never renumbered; a removed row keeps its postings until ``compact`` and callers
    mask it out with their own liveness array.
    """

    def __init__(self, n_keys: int, dtype: DTypeLike) -> None:
        self.n_keys = n_keys
        self.dtype = np.dtype(dtype)
        self.indptr = np.zeros(n_keys + 1, dtype=np.int64)
        self.rows = np.zeros(0, dtype=np.int32)
        self.vals = np.zeros(0, dtype=self.dtype)
        self.start = np.zeros(0, dtype=np.int64)  # row-major store: row -> slice of flat_*
        self.length = np.zeros(0, dtype=np.int32)
        self.flat_keys = np.zeros(0, dtype=np.int32)
        self.flat_vals = np.zeros(0, dtype=self.dtype)
        self.flat_size = 0
        self.delta_rows: list[int] = []  # rows appended since the last compaction
        self._delta: tuple[NDArray[np.int64], NDArray[np.int32], NDArray[Any]] | None = None
        self.looked_up: dict[bytes, NDArray[np.float32]] = {}  # lookup table -> table[vals]

    def load(self, rows: NDArray[Any], keys: NDArray[Any], vals: NDArray[Any], n_rows: int) -> None:
        """Replace the content with these postings, in bulk."""
        # 32-bit rows and keys (a key-major and a row-major copy of 25M postings at 1M rows).
        rows = np.asarray(rows, dtype=np.int32)
        keys = np.asarray(keys, dtype=np.int32)
        vals = np.asarray(vals, dtype=self.dtype)
        if len(rows) and np.any(rows[1:] < rows[:-1]):
            order = np.argsort(rows, kind="stable")
            rows, keys, vals = rows[order], keys[order], vals[order]
        bounds = np.searchsorted(rows, np.arange(n_rows + 1, dtype=np.int32))
        self.length = np.diff(bounds).astype(np.int32)
        self.start = bounds[:-1].astype(np.int64)
        self.flat_keys = keys
        self.flat_vals = vals
        self.flat_size = len(keys)
        order = _key_order(keys, self.n_keys)
        self.rows = rows[order]
        self.vals = vals[order]
        self.indptr = np.searchsorted(keys[order], np.arange(self.n_keys + 1, dtype=np.int32))
        self.delta_rows = []
        self._delta = None
        self.looked_up = {}

    def append(self, row: int, keys: NDArray[Any], vals: NDArray[Any]) -> None:
        """Add one row's postings; ``row`` must be new (rows are append-only)."""
        n = len(keys)
        self.start = _grown(self.start, row + 1)
        self.length = _grown(self.length, row + 1)
        self.flat_keys = _grown(self.flat_keys, self.flat_size + n)
        self.flat_vals = _grown(self.flat_vals, self.flat_size + n)
        self.start[row] = self.flat_size
        self.length[row] = n
        self.flat_keys[self.flat_size : self.flat_size + n] = keys
        self.flat_vals[self.flat_size : self.flat_size + n] = vals
        self.flat_size += n
        self.delta_rows.append(row)
        self._delta = None

    def delta_size(self) -> int:
        """Return how many postings wait in the delta part."""
        return int(self.length[self.delta_rows].sum()) if self.delta_rows else 0

    def _delta_part(self) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[Any]]:
        """Return the delta as (indptr, rows, vals), sorted by key, built once per change."""
        if self._delta is None:
            rows = np.asarray(self.delta_rows, dtype=np.int64)
            owner, keys, vals = self.of_rows(rows)
            order = np.argsort(keys, kind="stable")
            indptr = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=self.n_keys))])
            self._delta = (indptr, rows[owner[order]].astype(np.int32), vals[order])
        return self._delta

    def gather(
        self, keys: NDArray[np.int64]
    ) -> tuple[NDArray[np.int32], NDArray[Any], NDArray[np.int64]]:
        """Return (rows, vals, position in ``keys``) of every posting of these keys."""
        parts = [(self.indptr, self.rows, self.vals)]
        if self.delta_rows:
            parts.append(self._delta_part())
        out_rows, out_vals, out_which = [], [], []
        for indptr, rows, vals in parts:
            lo, hi = indptr[keys], indptr[keys + 1]
            out_rows += [rows[a:b] for a, b in zip(lo, hi, strict=True)]
            out_vals += [vals[a:b] for a, b in zip(lo, hi, strict=True)]
            out_which.append(np.repeat(np.arange(len(keys)), hi - lo))
        return np.concatenate(out_rows), np.concatenate(out_vals), np.concatenate(out_which)

    def slices(self, keys: NDArray[np.int64]) -> list[tuple[int, NDArray[np.int32], NDArray[Any]]]:
        """Return (position in ``keys``, rows, vals) views, one per key and part, no copies."""
        parts = [(self.indptr, self.rows, self.vals)]
        if self.delta_rows:
            parts.append(self._delta_part())
        return _spans(parts, keys)

    def looked_up_slices(
        self, keys: NDArray[np.int64], table: NDArray[np.float32]
    ) -> list[tuple[int, NDArray[np.int32], NDArray[np.float32]]]:
        """Return (position in ``keys``, rows, ``table[value]``) views, one per key and part.

        ``table[value]`` is kept per table for the compacted part, so a search copies floats
        with ``concatenate`` instead of converting byte codes with ``take`` per key (7x the
        time at a million rows); the few recent postings are looked up on every call.
        """
        parts = [(self.indptr, self.rows, self.look_up(table))]
        if self.delta_rows:
            indptr, rows, vals = self._delta_part()
            parts.append((indptr, rows, table.take(vals)))
        return _spans(parts, keys)

    def look_up(self, table: NDArray[np.float32]) -> NDArray[np.float32]:
        """Return ``table[value]`` of every compacted posting, computed once per table."""
        key = table.tobytes()
        if key not in self.looked_up:
            self.looked_up[key] = table.take(self.vals)
        return self.looked_up[key]

    def nbytes(self) -> int:
        """Return the memory held, lookups included."""
        arrays: list[NDArray[Any]] = [self.indptr, self.rows, self.vals, self.start, self.length]
        arrays += [self.flat_keys, self.flat_vals, *self.looked_up.values()]
        return int(sum(a.nbytes for a in arrays))

    def of_rows(
        self, rows: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[Any]]:
        """Return (position in ``rows``, key, value) of every posting of these rows."""
        lo = self.start[rows]
        n = self.length[rows].astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
        idx = np.arange(int(n.sum())) + np.repeat(lo - offsets, n)
        owner = np.repeat(np.arange(len(rows)), n)
        return owner, self.flat_keys[idx].astype(np.int64), self.flat_vals[idx]

    def compact(self, alive: NDArray[np.bool_]) -> None:
        """Fold the delta into the key-major part and drop the postings of dead rows."""
        live = np.flatnonzero(alive)
        owner, keys, vals = self.of_rows(live)
        self.load(live[owner], keys, vals, len(alive))
