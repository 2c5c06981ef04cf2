"""Reading a boundary file (GeoJSON FeatureCollection) and checking every feature before anything is loaded.

ONS boundary files name their code and name properties after the level and the year of the geography:
``LSOA11CD``/``LSOA11NM`` (2011 LSOAs), ``LSOA21CD``…, ``WD13CD``/``WD13NM`` with ``WD13NMW`` for the Welsh
name, ``LAD23CD``/``LAD23NM``. Other files may use plain ``code`` and ``name``. The whole file is checked
first and every problem is reported with the feature's number (counted from 1) and code, so a bad file is
refused whole and nothing is half-loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from upstream.places.geometry import POLYGONAL, polygonal_part
from upstream.places.models import AreaLevel

MAX_PROBLEMS_SHOWN = 20
CODE_MAX_LENGTH = 60
NAME_MAX_LENGTH = 200

# Property names per level: (code, name, Welsh name). The two digits are the year of the geography.
LEVEL_FIELDS: dict[str, tuple[str, str, str]] = {
    AreaLevel.NEIGHBOURHOOD: (r"LSOA\d\dCD", r"LSOA\d\dNM", r"LSOA\d\dNMW"),
    AreaLevel.WARD: (r"WD\d\dCD", r"WD\d\dNM", r"WD\d\dNMW"),
    AreaLevel.LOCAL_AUTHORITY: (r"LAD\d\dCD", r"LAD\d\dNM", r"LAD\d\dNMW"),
}
GENERIC_FIELDS = (("code", "CODE", "Code"), ("name", "NAME", "Name"), ("name_cy", "NAME_CY", "Name_cy"))
LONGITUDE_LATITUDE_CRS = ("CRS84", "EPSG::4326", "EPSG:4326")


class BoundaryFileError(ValueError):
    """A boundary file that cannot be loaded; ``problems`` says which features and why."""

    def __init__(self, summary: str, problems: Iterable[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        super().__init__(self.message())

    def message(self) -> str:
        """Returns the whole report: the summary, then one line per problem (the first few)."""
        lines = [self.summary]
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines.extend(f"  - {problem}" for problem in shown)
        if len(self.problems) > len(shown):
            lines.append(f"  … and {len(self.problems) - len(shown)} more problems.")
        return "\n".join(lines)


@dataclass(frozen=True)
class BoundaryFeature:
    """One checked feature: its number in the file (from 1), code, names and polygonal geometry."""

    number: int
    code: str
    name: str
    name_cy: str
    geometry: BaseGeometry
    repaired: bool = False


@dataclass
class BoundaryFile:
    """A checked boundary file, ready to load."""

    features: list[BoundaryFeature]
    code_field: str
    name_field: str
    name_cy_field: str | None
    repaired: list[BoundaryFeature] = field(default_factory=list)


def read_boundary_file(
    path: str | Path,
    *,
    level: str,
    code_field: str | None = None,
    name_field: str | None = None,
    repair: bool = False,
) -> BoundaryFile:
    """Returns the checked features of a GeoJSON file, or raises BoundaryFileError naming every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise BoundaryFileError(f"{path} does not exist.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BoundaryFileError(f"{path} cannot be read as UTF-8 text ({exc}).") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BoundaryFileError(
            f"{path.name} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Give a GeoJSON FeatureCollection."
        ) from exc
    return parse_boundaries(data, level=level, code_field=code_field, name_field=name_field, repair=repair)


def parse_boundaries(
    data: Any,
    *,
    level: str,
    code_field: str | None = None,
    name_field: str | None = None,
    repair: bool = False,
) -> BoundaryFile:
    """Returns the checked features of a parsed GeoJSON document, or raises BoundaryFileError."""
    if level not in LEVEL_FIELDS:
        raise BoundaryFileError(f"Unknown level {level!r}: use one of {', '.join(LEVEL_FIELDS)}.")
    features = _features_of(data)
    keys: set[str] = set()
    for feature in features:
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            keys.update(feature["properties"])
    code_key, name_key, name_cy_key = _choose_fields(level, keys, code_field, name_field)

    checked: list[BoundaryFeature] = []
    problems: list[str] = []
    first_number: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        result = _check_feature(number, feature, code_key, name_key, name_cy_key, repair=repair)
        if isinstance(result, list):
            problems.extend(result)
            continue
        if result.code in first_number:
            problems.append(
                f"Feature {number} (code {result.code}): the code is used again; feature {first_number[result.code]} "
                "has it too. Codes must be unique in a file."
            )
            continue
        first_number[result.code] = number
        checked.append(result)
    if problems:
        raise BoundaryFileError(
            f"The file was refused and nothing was loaded: {len(problems)} problem(s) in {len(features)} features.",
            problems,
        )
    return BoundaryFile(
        features=checked,
        code_field=code_key,
        name_field=name_key,
        name_cy_field=name_cy_key,
        repaired=[f for f in checked if f.repaired],
    )


def _features_of(data: Any) -> list[Any]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise BoundaryFileError(f"The file is not a GeoJSON FeatureCollection (its type is {found!r}).")
    _check_crs(data.get("crs"))
    features = data.get("features")
    if not isinstance(features, list):
        raise BoundaryFileError("The FeatureCollection has no list of features.")
    if not features:
        raise BoundaryFileError("The FeatureCollection has no features: there is nothing to load.")
    return features


def _check_crs(crs: Any) -> None:
    if crs is None:
        return  # GeoJSON (RFC 7946) is longitude/latitude unless it says otherwise
    name = ""
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        name = str(crs["properties"].get("name", ""))
    if not any(marker in name for marker in LONGITUDE_LATITUDE_CRS):
        raise BoundaryFileError(
            f"The file's coordinates are in {name or 'an unknown reference system'}, not longitude/latitude. "
            "Convert it first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson."
        )


def _match(pattern: str, keys: set[str]) -> str | None:
    # Where a file carries two years of the same geography, the latest year is the one to load.
    found = sorted(k for k in keys if re.fullmatch(pattern, k, flags=re.IGNORECASE))
    return found[-1] if found else None


def _choose_fields(
    level: str, keys: set[str], code_field: str | None, name_field: str | None
) -> tuple[str, str, str | None]:
    code_pattern, name_pattern, name_cy_pattern = LEVEL_FIELDS[level]
    code_key = code_field or _match(code_pattern, keys) or next((k for k in GENERIC_FIELDS[0] if k in keys), None)
    name_key = name_field or _match(name_pattern, keys) or next((k for k in GENERIC_FIELDS[1] if k in keys), None)
    name_cy_key = _match(name_cy_pattern, keys) or next((k for k in GENERIC_FIELDS[2] if k in keys), None)
    if code_key is None or name_key is None:
        # A file of another level is the likeliest mistake: say so rather than "no code".
        for other, (other_code, _name, _cy) in LEVEL_FIELDS.items():
            other_key = _match(other_code, keys)
            if other != level and other_key:
                raise BoundaryFileError(
                    f"This file looks like {AreaLevel(other).label.lower()} boundaries (it has {other_key}), "
                    f"not {AreaLevel(level).label.lower()} ones: use --level {other}."
                )
        missing = "code" if code_key is None else "name"
        shown = ", ".join(sorted(keys)[:12]) or "none"
        raise BoundaryFileError(
            f"No {missing} property found in the features (properties: {shown}). "
            f"Name it with --{missing}-field PROPERTY."
        )
    if name_cy_key == name_key:
        name_cy_key = None
    return code_key, name_key, name_cy_key


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_feature(
    number: int,
    feature: Any,
    code_key: str,
    name_key: str,
    name_cy_key: str | None,
    *,
    repair: bool,
) -> BoundaryFeature | list[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [f"Feature {number}: it is not a GeoJSON Feature."]
    properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    code = _text(properties.get(code_key))
    name = _text(properties.get(name_key))
    name_cy = _text(properties.get(name_cy_key)) if name_cy_key else ""
    label = f"Feature {number} (code {code})" if code else f"Feature {number}"
    problems: list[str] = []
    if not code:
        problems.append(f"{label}: it has no code (property {code_key} is missing or empty).")
    elif len(code) > CODE_MAX_LENGTH:
        problems.append(f"{label}: the code is longer than {CODE_MAX_LENGTH} characters.")
    if not name:
        problems.append(f"{label}: it has no name (property {name_key} is missing or empty).")
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(f"{label}: the name is longer than {NAME_MAX_LENGTH} characters.")
    geometry, repaired, geometry_problem = _check_geometry(feature.get("geometry"), repair=repair)
    if geometry_problem:
        problems.append(f"{label}: {geometry_problem}")
    if problems or geometry is None:
        return problems
    return BoundaryFeature(number=number, code=code, name=name, name_cy=name_cy, geometry=geometry, repaired=repaired)


def _read_geometry(raw: Any) -> BaseGeometry | str:
    """Returns the polygonal geometry of a feature, or what is wrong with it."""
    if not raw or not isinstance(raw, dict) or "type" not in raw:
        return "it has no geometry." if not raw else "its geometry is not a GeoJSON geometry object."
    if raw["type"] not in POLYGONAL:
        return f"its geometry is a {raw['type']}, not a Polygon or MultiPolygon."
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        return f"its geometry cannot be read ({exc})."
    if geometry.is_empty:
        return "its geometry is empty."
    min_x, min_y, max_x, max_y = geometry.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):  # noqa: PLR2004 - degrees
        return (
            f"its coordinates ({min_x:.0f}, {min_y:.0f}) are not longitude/latitude; convert the file to "
            "EPSG:4326 first (e.g. ogr2ogr -t_srs EPSG:4326)."
        )
    return geometry


def _check_geometry(raw: Any, *, repair: bool) -> tuple[BaseGeometry | None, bool, str | None]:
    geometry = _read_geometry(raw)
    if isinstance(geometry, str):
        return None, False, geometry
    if geometry.is_valid:
        return geometry, False, None
    reason = shapely.is_valid_reason(geometry)
    if not repair:
        return None, False, f"its geometry is invalid ({reason}). Fix the file, or load it with --repair."
    # Repair is never silent: only with --repair, and the command lists every feature it repaired.
    fixed = polygonal_part(shapely.make_valid(geometry))
    if fixed is None or fixed.is_empty or not fixed.is_valid:
        return None, False, f"its geometry is invalid ({reason}) and cannot be repaired."
    return fixed, True, None
