"""Reading a finished analysis run's files (the pipeline's CSV and JSON) for the pages and exports.

Nothing here checks the policy: ``queries`` does, and hands these functions a run the actor may see.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.places.models import AnalysisRun
from upstream.places.tasks import run_folder

# The files a run writes, by export name; the pages link to each that exists.
FILES = {
    "area_indicators": "area_indicators.csv",
    "hotspots": "hotspots.csv",
    "change": "change.csv",
    "monthly": "monthly.csv",
    "typology": "typology.csv",
    "allocation": "allocation.csv",
    "hotspots_h3": "hotspots_h3.csv",
    "force_event_categories": "force_events_by_category.csv",
}
JSON_FILES = {
    "concentration": "concentration.json",
    "typology_explanation": "typology.json",
    "manifest": "manifest.json",
}

# A colour-blind-safe sequential blue ramp (ColorBrewer Blues, 5 classes) for the numeric layers.
RAMP = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
HOTSPOT_COLOURS = {
    "hot spot": "#d4351c",
    "high among low": "#f47738",
    "low among high": "#5694ca",
    "cold spot": "#1d70b8",
    "not significant": "#f3f2f1",
    "no neighbours": "#b1b4b6",
    "not testable": "#b1b4b6",
}
# Change against earlier periods: emerging areas stand out, falling ones are cool.
CHANGE_COLOURS = {
    "emerging": "#d4351c",
    "rising": "#f47738",
    "steady": "#f3f2f1",
    "falling": "#1d70b8",
    "no earlier data": "#b1b4b6",
}
TYPOLOGY_COLOURS = ("#d4351c", "#f47738", "#ffdd00", "#00703c", "#5694ca", "#912b88", "#6f72af", "#b1b4b6")
NO_DATA = "#ffffff"


@dataclass(frozen=True)
class Layer:
    """One layer of the force map: what it shows and from which column."""

    key: str
    label: Any
    column: str
    numeric: bool
    unit: Any = ""


LAYERS = {
    layer.key: layer
    for layer in (
        Layer("counts", gettext_lazy("Crimes"), "crimes", numeric=True),
        Layer("rates", gettext_lazy("Crimes per 1,000 residents"), "crimes_rate", numeric=True),
        Layer("harm", gettext_lazy("Harm (Crime Harm Index days)"), "harm", numeric=True),
        Layer("hotspots", gettext_lazy("Hotspot class"), "class", numeric=False),
        Layer("typology", gettext_lazy("Type of need"), "cluster_name", numeric=False),
        Layer("vli", gettext_lazy("Vulnerable Localities Index (100 = the force's average)"), "vli", numeric=True),
        Layer("change", gettext_lazy("Change against earlier periods"), "status", numeric=False),
    )
}


def output_path(run: AnalysisRun, name: str) -> Path | None:
    """Returns the path of one of a run's outputs, or None when the run did not write it."""
    file = FILES.get(name) or JSON_FILES.get(name)
    if file is None:
        return None
    path = run_folder(run) / file
    return path if path.is_file() else None


def read_rows(run: AnalysisRun, name: str) -> list[dict[str, str]]:
    """Returns the rows of one of a run's CSV outputs (empty when it has none)."""
    path = output_path(run, name)
    if path is None:
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_json(run: AnalysisRun, name: str) -> Any:
    """Returns one of a run's JSON outputs, or None."""
    path = output_path(run, name)
    return json.loads(path.read_text(encoding="utf-8")) if path else None


def number(value: str | None) -> float | None:
    """Returns a CSV cell as a number, or None when it is empty or not a number."""
    if value in (None, ""):
        return None
    try:
        result = float(value)
    except ValueError:
        return None
    return None if math.isnan(result) else result


def by_area(run: AnalysisRun) -> dict[str, dict[str, Any]]:
    """Returns every area of a run with its indicators, hotspot, change and typology columns together."""
    merged: dict[str, dict[str, Any]] = {}
    for name in ("area_indicators", "hotspots", "change", "typology"):
        for row in read_rows(run, name):
            code = row["area_code"]
            target = merged.setdefault(code, {"area_code": code})
            for key, value in row.items():
                # change.csv's "current" is the same as the profile's crimes; keep the first of a repeated name.
                target.setdefault(key, value)
    return merged


def area_result(run: AnalysisRun, code: str) -> dict[str, Any] | None:
    """Returns one area's row of a run (indicators, hotspot, change, typology), or None if not in it."""
    return by_area(run).get(code)


def crime_types(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Returns an area's counts and rates by crime type, biggest first."""
    found = []
    for key, value in row.items():
        rate_key = f"{key}_rate"
        if rate_key in row and key not in {"crimes", "asb", "harm", "demand"} and not key.endswith("_rate"):
            count = number(value)
            if count is None:
                continue
            found.append(
                {"crime_type": key.replace("_", " ").capitalize(), "count": int(count), "rate": number(row[rate_key])}
            )
    return sorted(found, key=lambda item: (-item["count"], item["crime_type"]))


def monthly(run: AnalysisRun, code: str) -> list[dict[str, Any]]:
    """Returns an area's crimes per stored month (zero for stored months with none), oldest first."""
    counts = {r["month"]: int(float(r["crimes"])) for r in read_rows(run, "monthly") if r["area_code"] == code}
    months = (run.manifest or {}).get("months_stored") or sorted(counts)
    last = run.last_month
    return [{"month": m, "crimes": counts.get(m, 0)} for m in sorted(months) if m <= last]


def event_categories(run: AnalysisRun, code: str) -> list[dict[str, Any]]:
    """Returns an area's force events by type and the force's own category, most first (empty without them)."""
    found = [
        {"event_type": r["event_type"], "category": r["category"], "events": int(number(r["events"]) or 0)}
        for r in read_rows(run, "force_event_categories")
        if r["area_code"] == code
    ]
    return sorted(found, key=lambda r: (-r["events"], r["event_type"], r["category"]))


def breaks(values: list[float], classes: int = len(RAMP)) -> list[float]:
    """Returns the upper bounds of equal-count (quantile) classes over the values, duplicates removed."""
    ordered = sorted(values)
    if not ordered:
        return []
    bounds = []
    for i in range(1, classes + 1):
        index = min(len(ordered) - 1, math.ceil(i * len(ordered) / classes) - 1)
        bounds.append(ordered[index])
    return sorted(set(bounds))


def layer_values(layer: Layer, rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Returns, for one layer, each area's value, class label and fill colour, and the legend."""
    values: dict[str, Any] = {}
    legend: list[dict[str, str]] = []
    if layer.numeric:
        numbers = {code: number(row.get(layer.column)) for code, row in rows.items()}
        bounds = breaks([v for v in numbers.values() if v is not None])
        lower = None
        for i, bound in enumerate(bounds):
            colour = RAMP[min(len(RAMP) - 1, round(i * (len(RAMP) - 1) / max(1, len(bounds) - 1)))]
            label = _("up to %(high)s") % {"high": _fmt(bound)} if lower is None else f"{_fmt(lower)} – {_fmt(bound)}"
            legend.append({"label": label, "colour": colour})
            lower = bound
        for code, value in numbers.items():
            if value is None:
                values[code] = {"value": None, "label": _("No data"), "colour": NO_DATA}
                continue
            index = next((i for i, b in enumerate(bounds) if value <= b), len(bounds) - 1)
            values[code] = {"value": value, "label": legend[index]["label"], "colour": legend[index]["colour"]}
        if any(v["value"] is None for v in values.values()):
            legend.append({"label": _("No data"), "colour": NO_DATA})
        return {"values": values, "legend": legend}
    names = sorted({str(row.get(layer.column) or "") for row in rows.values()} - {""})
    fixed = {"hotspots": HOTSPOT_COLOURS, "change": CHANGE_COLOURS}.get(layer.key)
    if fixed is not None:
        colours = {name: fixed.get(name, NO_DATA) for name in names}
        names = [n for n in fixed if n in colours] + [n for n in names if n not in fixed]
    else:
        colours = {name: TYPOLOGY_COLOURS[i % len(TYPOLOGY_COLOURS)] for i, name in enumerate(names)}
    for code, row in rows.items():
        name = str(row.get(layer.column) or "")
        values[code] = {"value": name or None, "label": name or _("No data"), "colour": colours.get(name, NO_DATA)}
    legend = [{"label": name, "colour": colours[name]} for name in names]
    return {"values": values, "legend": legend}


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"  # noqa: PLR2004


def lorenz_points(run: AnalysisRun) -> list[dict[str, float]]:
    """Returns the Lorenz curve of a run (share of areas, lowest first, against share of crime)."""
    return list((run.summary or {}).get("lorenz") or [])


def allocation_units(run: AnalysisRun) -> list[dict[str, Any]]:
    """Returns the units of a run's allocation with their harm, demand and vulnerability totals."""
    return [
        {
            "unit_code": row["unit_code"],
            "unit_name": row.get("unit_name") or row["unit_code"],
            "basis": row.get("basis", ""),
            "areas": int(number(row.get("areas")) or 0),
            "harm": number(row.get("harm")) or 0.0,
            "demand": number(row.get("demand")) or 0.0,
            "vulnerability": number(row.get("vulnerability")) or 0.0,
            "officers": int(number(row.get("officers")) or 0),
        }
        for row in read_rows(run, "allocation")
    ]


def hot_cells(run: AnalysisRun, limit: int = 10) -> dict[str, Any] | None:
    """Returns a run's hotspots on points (H3 hexagons): how many of each class, and the hottest hot spots."""
    rows = read_rows(run, "hotspots_h3")
    if not rows:
        return None
    classes: dict[str, int] = {}
    for row in rows:
        classes[row["class"]] = classes.get(row["class"], 0) + 1
    hot = [r for r in rows if r["class"] == "hot spot"]
    hot.sort(key=lambda r: (-(number(r["gi_z"]) or 0.0), r["h3_cell"]))
    return {
        "resolution": (run.manifest.get("parameters") or {}).get("h3_resolution") or run.h3_resolution,
        "cells": len(rows),
        "classes": classes,
        "hottest": [
            {
                "cell": r["h3_cell"],
                "latitude": number(r["latitude"]),
                "longitude": number(r["longitude"]),
                "count": int(number(r["count"]) or 0),
                "gi_z": number(r["gi_z"]),
            }
            for r in hot[:limit]
        ],
    }


def hexagon_features(run: AnalysisRun) -> list[dict[str, Any]]:
    """Returns a run's H3 hexagons as GeoJSON features with their count, Gi* and class (empty without them)."""
    import h3

    features = []
    for row in read_rows(run, "hotspots_h3"):
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(row["h3_cell"])]
        features.append(
            {
                "type": "Feature",
                "id": row["h3_cell"],
                "properties": {
                    "h3_cell": row["h3_cell"],
                    "count": number(row["count"]),
                    "gi_z": number(row["gi_z"]),
                    "gi_p": number(row["gi_p"]),
                    "moran_quadrant": row.get("moran_quadrant") or None,
                    "class": row["class"],
                    "colour": HOTSPOT_COLOURS.get(row["class"], NO_DATA),
                },
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        )
    return features


def emerging(run: AnalysisRun, limit: int = 20) -> list[dict[str, Any]]:
    """Returns a run's emerging areas (significantly up on every comparison), biggest rise first.

    Reads change.csv alone (the run page shows this for runs of every LSOA in England too); the caller names
    the areas.
    """
    rows = [row for row in read_rows(run, "change") if row.get("status") == "emerging"]
    found = [
        {
            "code": row["area_code"],
            "name": row["area_code"],
            "crimes": int(number(row.get("current")) or 0),
            "previous": number(row.get("previous")),
            "year_ago": number(row.get("year_ago")),
        }
        for row in rows
    ]
    found.sort(key=lambda r: (-(r["crimes"] - (r["previous"] or 0)), r["code"]))
    return found[:limit]
