"""Suppression, percentiles and SVG charts of the regional overview, without a database."""

from __future__ import annotations

import re
from itertools import product

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from eportfolio.regional.aggregates import median, percentile, published, rate, suppress
from eportfolio.regional.charts import bar_chart


def _recoverable(matrix: list[list[int]], table: dict, row_totals: bool, col_totals: bool) -> list:
    """Return hidden values an attacker pins down from the published ones (independent check)."""
    m = np.array(matrix)
    n_rows, n_cols = m.shape
    unknown = [
        ("cell", i, j)
        for i, j in product(range(n_rows), range(n_cols))
        if table["cells"][i][j] is None
    ]
    if row_totals:
        unknown += [("row", i) for i in range(n_rows) if table["row_totals"][i] is None]
    if col_totals:
        unknown += [("col", j) for j in range(n_cols) if table["col_totals"][j] is None]
        if row_totals and table["grand"] is None:
            unknown.append(("grand",))
    index = {u: k for k, u in enumerate(unknown)}
    rows = []
    if row_totals:
        for i in range(n_rows):
            eq = np.zeros(len(unknown))
            for j in range(n_cols):
                if ("cell", i, j) in index:
                    eq[index["cell", i, j]] = 1
            if ("row", i) in index:
                eq[index["row", i]] = -1
            rows.append(eq)
    if col_totals:
        for j in range(n_cols):
            eq = np.zeros(len(unknown))
            for i in range(n_rows):
                if ("cell", i, j) in index:
                    eq[index["cell", i, j]] = 1
            if ("col", j) in index:
                eq[index["col", j]] = -1
            rows.append(eq)
    if row_totals and col_totals:
        for kind, count in (("row", n_rows), ("col", n_cols)):
            eq = np.zeros(len(unknown))
            for k in range(count):
                if (kind, k) in index:
                    eq[index[kind, k]] = 1
            if ("grand",) in index:
                eq[index["grand",]] = -1
            rows.append(eq)
    a = np.array([r for r in rows if np.any(r)]) if rows else np.zeros((0, len(unknown)))
    if not len(unknown) or not len(a):
        return []
    rank = np.linalg.matrix_rank(a)
    found = []
    for k, u in enumerate(unknown):
        unit = np.zeros(len(unknown))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append(u)
    return found


def test_a_small_cell_and_its_partner_are_hidden() -> None:
    table = published([[10, 3, 20], [7, 8, 9]])
    assert table["cells"] == [[None, None, 20], [7, 8, 9]]  # 3 is small, 10 the next smallest
    assert table["row_totals"] == [33, 24]


def test_totals_both_ways_hide_a_rectangle() -> None:
    table = published([[10, 3, 20], [7, 8, 9]], col_totals=True)
    assert table["cells"] == [[None, None, 20], [None, None, 9]]
    assert table["row_totals"] == [33, 24]
    assert table["col_totals"] == [17, 11, 29]
    assert table["grand"] == 57


def test_a_small_total_is_hidden_and_so_is_everything_that_gives_it_away() -> None:
    table = published([[1, 2], [10, 12]])
    assert table["cells"][0] == [None, None]
    assert table["row_totals"][0] is None
    assert table["cells"][1] == [10, 12]


def test_a_single_column_hides_the_total_with_the_cell() -> None:
    table = published([[3], [9]])
    assert table["cells"] == [[None], [9]]
    assert table["row_totals"] == [None, 9]


def test_a_bridge_between_two_hidden_rectangles_is_not_left_recoverable() -> None:
    matrix = [[1, 1, 50, 50], [1, 1, 50, 50], [50, 50, 1, 1], [50, 50, 1, 1]]
    table = published(matrix, col_totals=True)
    assert _recoverable(matrix, table, True, True) == []


tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(1, 6).flatmap(
        lambda c: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=c, max_size=c),
            min_size=r,
            max_size=r,
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(tables, st.booleans())
def test_no_hidden_count_can_be_recovered_from_totals(matrix: list[list[int]], cols: bool) -> None:
    table = published(matrix, row_totals=True, col_totals=cols)
    m = np.array(matrix)
    for i, j in product(range(m.shape[0]), range(m.shape[1])):
        shown = table["cells"][i][j]
        assert shown is None or (shown == m[i, j] and shown >= 5)
    for shown, true in zip(table["row_totals"], m.sum(axis=1), strict=True):
        assert shown is None or (shown == true and shown >= 5)
    if cols:
        for shown, true in zip(table["col_totals"], m.sum(axis=0), strict=True):
            assert shown is None or (shown == true and shown >= 5)
    assert _recoverable(matrix, table, True, cols) == []


@settings(max_examples=50, deadline=None)
@given(tables)
def test_every_line_with_a_hidden_cell_hides_at_least_two_of_its_parts(
    matrix: list[list[int]],
) -> None:
    table = published(matrix)
    for row, total in zip(table["cells"], table["row_totals"], strict=True):
        hidden = sum(v is None for v in row) + (total is None)
        assert hidden != 1


def test_suppress_marks_the_same_as_published() -> None:
    mask = suppress([[10, 3, 20]])
    assert mask.cells.tolist() == [[True, True, False]]


def test_median_and_percentile_need_five_values() -> None:
    assert median([1, 2, 3, 4]) is None
    assert median([5, 1, 3, 2, 4]) == 3
    assert median([1, 2, 3, 4, 5, 6]) == 3.5
    assert percentile([1, 2, 3, 4], 90) is None
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 11)), 50) == 5


def test_rate_only_from_shown_counts() -> None:
    assert rate(6, 14) == 30.0
    assert rate(None, 14) is None
    assert rate(6, None) is None


def test_svg_chart_is_labelled_and_carries_the_table_numbers() -> None:
    svg = str(bar_chart("c", "Titel <x>", "Beskrivning", ["Osby", "Hörby"], [12, None]))
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Titel &lt;x&gt;</title>' in svg
    assert '<desc id="c-desc">Beskrivning</desc>' in svg
    values = dict(re.findall(r'data-label="([^"]+)"[^>]*>([^<]+)</text>', svg))
    assert values == {"Osby": "12", "Hörby": "&lt;5"}
    widths = re.findall(r'<rect class="bar" [^>]*width="([\d.]+)"', svg)
    assert float(widths[0]) > 0 and float(widths[1]) == 0
