"""Pure aggregation helpers: small-count suppression that totals cannot undo, percentiles.

A published table is a matrix of counts with, optionally, its row totals, column totals and
grand total. Every count below ``MIN_COUNT`` is hidden (primary suppression); then more cells
are hidden until no hidden value can be worked out from the published ones by adding and
subtracting rows and columns (complementary suppression, checked by linear algebra).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_COUNT = 5
SUPPRESSED = None  # how a hidden count travels in snapshots and JSON


@dataclass
class Masked:
    """Which parts of a table are hidden: cells, row totals, column totals, grand total."""

    cells: np.ndarray  # bool (rows x cols)
    rows: np.ndarray  # bool (rows,)
    cols: np.ndarray  # bool (cols,)
    grand: bool


def suppress(
    matrix: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    col_totals: bool = False,
    minimum: int = MIN_COUNT,
) -> Masked:
    """Return the suppression mask of a count table whose chosen margins are published."""
    m = np.asarray(matrix, dtype=np.int64).reshape(len(matrix), -1 if len(matrix) else 0)
    n_rows, n_cols = m.shape if m.size or len(matrix) else (0, 0)
    cells = m < minimum
    rows = m.sum(axis=1) < minimum if row_totals else np.zeros(n_rows, bool)
    cols = m.sum(axis=0) < minimum if col_totals else np.zeros(n_cols, bool)
    grand = bool(row_totals and col_totals and m.sum() < minimum)
    mask = Masked(cells, rows, cols, grand)
    _line_rule(m, mask, row_totals, col_totals)
    while True:
        determined = _determined(mask, row_totals, col_totals)
        if not determined:
            return mask
        # One at a time: hiding a partner of the first often frees the others as well.
        kind, i, j = determined[0]
        _hide_partner(m, mask, kind, i, j, row_totals, col_totals)


def _line_rule(m: np.ndarray, mask: Masked, row_totals: bool, col_totals: bool) -> None:
    """In each published sum with exactly one hidden part, hide its smallest other part."""
    n_rows, n_cols = m.shape
    changed = True
    while changed:
        changed = False
        lines: list[list[tuple[int, str, int, int]]] = []
        if row_totals:
            lines += [
                [(int(m[i, j]), "cell", i, j) for j in range(n_cols)]
                + [(int(m[i].sum()) + 10**9, "row", i, -1)]
                for i in range(n_rows)
            ]
        if col_totals:
            lines += [
                [(int(m[i, j]), "cell", i, j) for i in range(n_rows)]
                + [(int(m[:, j].sum()) + 10**9, "col", -1, j)]
                for j in range(n_cols)
            ]
        if row_totals and col_totals:
            grand = (int(m.sum()) + 10**9, "grand", -1, -1)
            lines.append([(int(m[i].sum()), "row", i, -1) for i in range(n_rows)] + [grand])
            lines.append([(int(m[:, j].sum()), "col", -1, j) for j in range(n_cols)] + [grand])
        for line in lines:
            hidden = [part for part in line if _hidden(mask, *part[1:])]
            if len(hidden) == 1:
                shown = sorted(part for part in line if not _hidden(mask, *part[1:]))
                if shown:
                    _hide(mask, *shown[0][1:])
                    changed = True


def _variables(mask: Masked, row_totals: bool, col_totals: bool) -> list[tuple[str, int, int]]:
    """The hidden values, each named: ("cell", i, j), ("row", i, -1), ("col", -1, j), grand."""
    out = [("cell", int(i), int(j)) for i, j in zip(*np.nonzero(mask.cells), strict=True)]
    if row_totals:
        out += [("row", int(i), -1) for i in np.nonzero(mask.rows)[0]]
    if col_totals:
        out += [("col", -1, int(j)) for j in np.nonzero(mask.cols)[0]]
    if mask.grand:
        out.append(("grand", -1, -1))
    return out


def _determined(mask: Masked, row_totals: bool, col_totals: bool) -> list[tuple[str, int, int]]:
    """Return the hidden values that the published ones pin down exactly."""
    unknown = _variables(mask, row_totals, col_totals)
    if not unknown:
        return []
    where = {v: k for k, v in enumerate(unknown)}
    n_rows, n_cols = mask.cells.shape
    equations = []
    if row_totals:  # each row's cells add up to the row total
        for i in range(n_rows):
            eq = np.zeros(len(unknown))
            for j in range(n_cols):
                if ("cell", i, j) in where:
                    eq[where["cell", i, j]] = 1
            if ("row", i, -1) in where:
                eq[where["row", i, -1]] = -1
            equations.append(eq)
    if col_totals:
        for j in range(n_cols):
            eq = np.zeros(len(unknown))
            for i in range(n_rows):
                if ("cell", i, j) in where:
                    eq[where["cell", i, j]] = 1
            if ("col", -1, j) in where:
                eq[where["col", -1, j]] = -1
            equations.append(eq)
    if row_totals and col_totals:
        for kind, count in (("row", n_rows), ("col", n_cols)):
            eq = np.zeros(len(unknown))
            for k in range(count):
                key = (kind, k, -1) if kind == "row" else (kind, -1, k)
                if key in where:
                    eq[where[key]] = 1
            if ("grand", -1, -1) in where:
                eq[where["grand", -1, -1]] = -1
            equations.append(eq)
    a = np.array([e for e in equations if e.any()])
    if a.size == 0:
        return []
    # A hidden value is pinned down exactly when its unit vector lies in the row space of A
    # (some combination of published sums isolates it): its projection onto that space is 1.
    _u, s, vt = np.linalg.svd(a, full_matrices=False)
    basis = vt[: int((s > 1e-9).sum())]
    free = (basis**2).sum(axis=0) < 1 - 1e-9
    return [v for v, f in zip(unknown, free, strict=True) if not f]


def _hide_partner(
    m: np.ndarray,
    mask: Masked,
    kind: str,
    i: int,
    j: int,
    row_totals: bool,
    col_totals: bool,
) -> None:
    """Hide the smallest published value that shares an equation with a pinned-down one."""
    n_rows, n_cols = m.shape
    candidates: list[tuple[int, str, int, int]] = []
    if kind == "cell":
        if row_totals:
            candidates += [(int(m[i, k]), "cell", i, k) for k in range(n_cols) if k != j]
        if col_totals:
            candidates += [(int(m[k, j]), "cell", k, j) for k in range(n_rows) if k != i]
        if row_totals:
            candidates.append((int(m[i].sum()) + 10**9, "row", i, -1))
        if col_totals:
            candidates.append((int(m[:, j].sum()) + 10**9, "col", -1, j))
    elif kind == "row":
        candidates += [(int(m[i, k]), "cell", i, k) for k in range(n_cols)]
        if col_totals:
            candidates += [(int(m[k].sum()), "row", k, -1) for k in range(n_rows) if k != i]
            candidates.append((int(m.sum()) + 10**9, "grand", -1, -1))
    elif kind == "col":
        candidates += [(int(m[k, j]), "cell", k, j) for k in range(n_rows)]
        candidates += [(int(m[:, k].sum()), "col", -1, k) for k in range(n_cols) if k != j]
        candidates.append((int(m.sum()) + 10**9, "grand", -1, -1))
    else:
        candidates += [(int(m[k].sum()), "row", k, -1) for k in range(n_rows)]
        candidates += [(int(m[:, k].sum()), "col", -1, k) for k in range(n_cols)]
    # Its own row and column may be hidden already while other lines still pin it down:
    # then the smallest value shown anywhere goes, which always makes progress.
    everywhere = [(int(m[a, b]), "cell", a, b) for a in range(n_rows) for b in range(n_cols)]
    if row_totals:
        everywhere += [(int(m[a].sum()), "row", a, -1) for a in range(n_rows)]
    if col_totals:
        everywhere += [(int(m[:, b].sum()), "col", -1, b) for b in range(n_cols)]
    if row_totals and col_totals:
        everywhere.append((int(m.sum()), "grand", -1, -1))
    ordered = [c for c in [*sorted(candidates), *sorted(everywhere)] if not _hidden(mask, *c[1:])]
    # Prefer the smallest value whose hiding frees the pinned one; else the smallest at all.
    for _value, ckind, ci, cj in ordered:
        _hide(mask, ckind, ci, cj)
        if (kind, i, j) not in _determined(mask, row_totals, col_totals):
            return
        _unhide(mask, ckind, ci, cj)
    if ordered:
        _hide(mask, *ordered[0][1:])
        return
    raise AssertionError("nothing left to hide")  # unreachable: all hidden pins nothing down


def _hidden(mask: Masked, kind: str, i: int, j: int) -> bool:
    if kind == "cell":
        return bool(mask.cells[i, j])
    if kind == "row":
        return bool(mask.rows[i])
    if kind == "col":
        return bool(mask.cols[j])
    return mask.grand


def _hide(mask: Masked, kind: str, i: int, j: int, value: bool = True) -> None:
    if kind == "cell":
        mask.cells[i, j] = value
    elif kind == "row":
        mask.rows[i] = value
    elif kind == "col":
        mask.cols[j] = value
    else:
        mask.grand = value


def _unhide(mask: Masked, kind: str, i: int, j: int) -> None:
    _hide(mask, kind, i, j, value=False)


def published(
    matrix: Sequence[Sequence[int]], *, row_totals: bool = True, col_totals: bool = False
) -> dict[str, object]:
    """Return the table as it may be shown: hidden counts are None (displayed as "<5")."""
    m = np.asarray(matrix, dtype=np.int64).reshape(len(matrix), -1 if len(matrix) else 0)
    mask = suppress(matrix, row_totals=row_totals, col_totals=col_totals)
    out: dict[str, object] = {
        "cells": [
            [None if mask.cells[i, j] else int(m[i, j]) for j in range(m.shape[1])]
            for i in range(m.shape[0])
        ]
    }
    if row_totals:
        sums = m.sum(axis=1)
        out["row_totals"] = [None if h else int(v) for h, v in zip(mask.rows, sums, strict=True)]
    if col_totals:
        sums = m.sum(axis=0)
        out["col_totals"] = [None if h else int(v) for h, v in zip(mask.cols, sums, strict=True)]
        if row_totals:
            out["grand"] = None if mask.grand else int(m.sum())
    return out


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the q-th percentile (nearest rank), None for fewer than MIN_COUNT values."""
    if len(values) < MIN_COUNT:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


def median(values: Sequence[float]) -> float | None:
    """Return the median, None for fewer than MIN_COUNT values (it would describe few people)."""
    if len(values) < MIN_COUNT:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def rate(part: int | None, whole_other: int | None) -> float | None:
    """Return part / (part + other) in percent, only when both counts are shown."""
    if part is None or whole_other is None or part + whole_other == 0:
        return None
    return round(100.0 * part / (part + whole_other), 1)


def display(value: object) -> str:
    """Return a count as shown in tables and CSV."""
    return "<5" if value is None else str(value)
