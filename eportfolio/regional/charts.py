"""Accessible SVG charts drawn on the server: a title, a description, and numbers on the bars.

Each chart sits beside a table with the same figures; the SVG is a picture of that table, so
screen readers get the title and description and then read the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from eportfolio.regional.aggregates import display

ROW = 26
LABEL_WIDTH = 230
BAR_WIDTH = 360
VALUE_WIDTH = 60


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[int | float | None],
    highlight: Sequence[bool] | None = None,
) -> Markup:
    """Return a horizontal bar chart; None values are drawn as "<5" without a bar."""
    shown = [v for v in values if v is not None]
    top = max(shown) if shown else 0
    height = ROW * len(labels) + 10
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + k * ROW
        length = 0 if value is None or top <= 0 else max(1.0, BAR_WIDTH * value / top)
        css = "bar bar-strong" if highlight and highlight[k] else "bar"
        parts.append(
            f'<text class="bar-label" x="{LABEL_WIDTH - 8}" y="{y + 17}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
        )
        parts.append(
            f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" '
            f'height="{ROW - 8}"></rect>'
        )
        parts.append(
            f'<text class="bar-value" data-label="{escape(label)}" '
            f'x="{LABEL_WIDTH + length + 6:.1f}" '
            f'y="{y + 17}">{escape(_number(value))}</text>'
        )
    parts.append("</svg>")
    # Every piece of text above went through escape().
    return Markup("".join(parts))  # noqa: S704


def _number(value: int | float | None) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return display(value)


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
