"""Server-drawn SVG bar charts: no script, no inline style (the CSP holds), and always a table beside them."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
BAR_AREA = 200
VALUE_WIDTH = 50
COLOURS = {"blue": "#1d70b8", "orange": "#f47738", "red": "#d4351c", "green": "#00703c"}


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and what to print beside it (a suppressed count prints "<5")."""

    label: str
    value: int
    shown: str = ""


def bar_chart(*, chart_id: str, title: str, bars: list[Bar], colour: str = "blue") -> Markup:
    """Returns an SVG horizontal bar chart; its title and description name the table holding the same data."""
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    top = max([b.value for b in bars] + [1])
    fill = COLOURS.get(colour, COLOURS["blue"])
    parts = [
        Markup(
            '<svg class="upstream-chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
            'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        ).format(id=chart_id, w=width, h=height),
        Markup('<title id="{}-title">{}</title>').format(chart_id, title),
        Markup('<desc id="{}-desc">{}</desc>').format(
            chart_id, ", ".join(f"{b.label}: {b.shown or b.value}" for b in bars)
        ),
    ]
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        length = 0 if bar.shown and not bar.shown.isdigit() else round(BAR_AREA * bar.value / top)
        parts.append(
            Markup(
                '<text x="{lx}" y="{ty}" text-anchor="end" font-size="14" fill="#0b0c0c">{label}</text>'
                '<rect x="{bx}" y="{y}" width="{bw}" height="{bh}" fill="{fill}"></rect>'
                '<text x="{vx}" y="{ty}" font-size="14" fill="#0b0c0c">{value}</text>'
            ).format(
                lx=LABEL_WIDTH - 8,
                ty=y + BAR_HEIGHT - 6,
                label=escape(_short(bar.label)),
                bx=LABEL_WIDTH,
                y=y,
                bw=length,
                bh=BAR_HEIGHT,
                fill=fill,
                vx=LABEL_WIDTH + length + 6,
                value=bar.shown or str(bar.value),
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
