"""Charts as SVG drawn on the server: the Lorenz curve and an area's crimes by month.

The same SVG is put in the page (it needs no JavaScript, and the strict CSP holds: no script, no style
attributes, only SVG presentation attributes) and offered as a file for reports. Every chart has a title
and a description for screen readers, and the page always shows the same numbers in a table.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 56
INK = "#0b0c0c"
GRID = "#b1b4b6"
BLUE = "#1d70b8"
FONT = 'font-family="GDS Transport, arial, sans-serif" font-size="14"'


def _frame(title: str, description: str, body: list[str], chart_id: str) -> str:
    return "\n".join(
        [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
                f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="upstream-chart" id="{chart_id}">'
            ),
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
            f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
            *body,
            "</svg>",
        ]
    )


def _x(share: float) -> float:
    return LEFT + share * (WIDTH - LEFT - RIGHT)


def _y(share: float) -> float:
    return HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM)


def _axes(x_label: str, y_label: str) -> list[str]:
    return [
        f'<line x1="{LEFT}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(0)}" stroke="{INK}"/>',
        f'<line x1="{LEFT}" y1="{_y(0)}" x2="{LEFT}" y2="{_y(1)}" stroke="{INK}"/>',
        (
            f'<text x="{(LEFT + _x(1)) / 2}" y="{HEIGHT - 12}" text-anchor="middle" {FONT} fill="{INK}">'
            f"{escape(x_label)}</text>"
        ),
        (
            f'<text x="16" y="{(TOP + _y(0)) / 2}" text-anchor="middle" {FONT} fill="{INK}" '
            f'transform="rotate(-90 16 {(TOP + _y(0)) / 2})">{escape(y_label)}</text>'
        ),
    ]


def lorenz_svg(points: list[dict[str, float]], *, gini: float, title: str, x_label: str, y_label: str) -> str:
    """Returns the Lorenz curve (share of areas, lowest first, against share of crime) as SVG."""
    body = _axes(x_label, y_label)
    for tick in (0, 0.25, 0.5, 0.75, 1):
        label = f"{tick:.0%}"
        body.append(
            f'<line x1="{_x(tick)}" y1="{_y(0)}" x2="{_x(tick)}" y2="{_y(0) + 6}" stroke="{INK}"/>'
            f'<text x="{_x(tick)}" y="{_y(0) + 22}" text-anchor="middle" {FONT} fill="{INK}">{label}</text>'
            f'<line x1="{LEFT - 6}" y1="{_y(tick)}" x2="{LEFT}" y2="{_y(tick)}" stroke="{INK}"/>'
            f'<text x="{LEFT - 10}" y="{_y(tick) + 5}" text-anchor="end" {FONT} fill="{INK}">{label}</text>'
        )
    body.append(f'<line x1="{_x(0)}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(1)}" stroke="{GRID}" stroke-dasharray="6 4"/>')
    if points:
        path = " ".join(f"{_x(p['areas_share']):.1f},{_y(p['crime_share']):.1f}" for p in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    body.append(
        f'<text x="{_x(0.04)}" y="{_y(0.9)}" {FONT} fill="{INK}">Gini {gini:.3f}</text>'
        f'<text x="{_x(0.55)}" y="{_y(0.62)}" {FONT} fill="#505a5f">equal shares</text>'
    )
    description = (
        f"Lorenz curve: areas sorted from least to most crime on the horizontal axis, cumulative share of crime on "
        f"the vertical axis. Gini coefficient {gini:.3f}. The table below gives the same points."
    )
    return _frame(title, description, body, "lorenz-chart")


def trend_svg(months: list[dict[str, Any]], *, title: str, y_label: str, chart_id: str = "trend-chart") -> str:
    """Returns crimes by month as an SVG column chart."""
    body = _axes("", y_label)
    top = max([m["crimes"] for m in months] + [1])
    step = max(1, top // 4)
    ticks = list(range(0, top + 1, step))
    for tick in ticks:
        body.append(
            f'<line x1="{LEFT - 6}" y1="{_y(tick / top):.1f}" x2="{_x(1)}" y2="{_y(tick / top):.1f}" '
            f'stroke="{GRID if tick else INK}"/>'
            f'<text x="{LEFT - 10}" y="{_y(tick / top) + 5:.1f}" text-anchor="end" {FONT} fill="{INK}">{tick}</text>'
        )
    n = max(1, len(months))
    slot = (WIDTH - LEFT - RIGHT) / n
    every = max(1, n // 8)
    for i, month in enumerate(months):
        height = month["crimes"] / top * (HEIGHT - TOP - BOTTOM)
        x = LEFT + i * slot + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{_y(0) - height:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{BLUE}">'
            f"<title>{escape(month['month'])}: {month['crimes']}</title></rect>"
        )
        if i % every == 0:
            body.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{_y(0) + 22}" text-anchor="middle" {FONT} fill="{INK}">'
                f"{escape(month['month'])}</text>"
            )
    description = (
        f"Column chart of crimes recorded in each month from {months[0]['month']} to {months[-1]['month']}; "
        "the table below gives the same numbers."
        if months
        else "No months to show."
    )
    return _frame(title, description, body, chart_id)


# Vega-Lite specs (made with Altair) of the same charts, drawn in the browser by vega-embed with Vega's
# CSP-safe expression interpreter; the SVG above is what shows without JavaScript and what reports use.


def lorenz_spec(points: list[dict[str, float]], *, title: str, x_label: str, y_label: str) -> dict[str, Any]:
    """Returns the Lorenz curve, with the line of equal shares, as a Vega-Lite spec."""
    import altair as alt

    data = alt.Data(values=[{"areas": p["areas_share"], "crime": p["crime_share"]} for p in points])
    equal = alt.Data(values=[{"areas": 0, "crime": 0}, {"areas": 1, "crime": 1}])
    x = alt.X("areas:Q", title=x_label, axis=alt.Axis(format="%"))
    y = alt.Y("crime:Q", title=y_label, axis=alt.Axis(format="%"))
    curve = (
        alt.Chart(data)
        .mark_line(color=BLUE, strokeWidth=3)
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("areas:Q", format=".0%", title=x_label),
                alt.Tooltip("crime:Q", format=".1%", title=y_label),
            ],
        )
    )
    diagonal = alt.Chart(equal).mark_line(color=GRID, strokeDash=[6, 4]).encode(x=x, y=y)
    chart = (diagonal + curve).properties(title=title, width="container", height=300, description=title)
    return chart.to_dict()


def trend_spec(months: list[dict[str, Any]], *, title: str, y_label: str) -> dict[str, Any]:
    """Returns crimes by month as a Vega-Lite column chart spec."""
    import altair as alt

    chart = (
        alt.Chart(alt.Data(values=months))
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("month:O", title=None),
            y=alt.Y("crimes:Q", title=y_label),
            tooltip=[alt.Tooltip("month:O"), alt.Tooltip("crimes:Q", title=y_label)],
        )
        .properties(title=title, width="container", height=300, description=title)
    )
    return chart.to_dict()
