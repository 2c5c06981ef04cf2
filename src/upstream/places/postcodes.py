"""Postcodes: a lookup table from the ONS Postcode Directory (ONSPD) or OS Code-Point Open, and the demo's own.

``Postcode`` holds each postcode once, normalised ("CF10 1AA"), with its point in WGS84 and the area codes
the file gives (neighbourhood, ward, local authority, police force area). ``import_postcodes`` reads
either format, told apart by the first line: ONSPD has a header naming ``pcds`` (or ``pcd``), ``lat`` and
``long``; Code-Point Open has no header and gives eastings and northings on the British National Grid
(EPSG:27700), turned into latitude and longitude with pyproj. A file, a folder of CSV files (Code-Point
ships one per postcode area) or a ZIP of either is read. Rows are written in batches by postcode, so
importing again updates in place; a row that cannot be used is counted with its reason and skipped.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

BATCH = 5000
PROGRESS_EVERY = 100_000
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
# ONSPD gives postcodes without a grid reference latitude 99.999999 and longitude 0.
NO_POINT_LATITUDE = 99
# Great Britain, Northern Ireland, the Channel Islands and the Isle of Man, generously.
UK_BOUNDS = ((49.0, 61.5), (-9.0, 2.5))


class Postcode(models.Model):
    """One postcode and where it is."""

    postcode = models.CharField(_("postcode"), max_length=8, unique=True)  # normalised: "CF10 1AA"
    latitude = models.FloatField()
    longitude = models.FloatField()
    lsoa_code = models.CharField(max_length=9, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True)
    police_force_code = models.CharField(max_length=9, blank=True)
    terminated = models.BooleanField(default=False)  # ONSPD: no longer in use, kept so old addresses still place
    source = models.CharField(max_length=20)  # onspd, codepoint or demo

    class Meta:
        app_label = "places"

    def __str__(self) -> str:
        return self.postcode


def normalise(value: str) -> str:
    """Returns a postcode in upper case with one space before the inward code ("cf101aa" → "CF10 1AA")."""
    compact = re.sub(r"\s+", "", str(value)).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact  # noqa: PLR2004 - inward code length


def is_valid(value: str) -> bool:
    """Returns whether a normalised postcode has the shape of a UK postcode."""
    return bool(POSTCODE.match(value))


def point_of(value: str) -> tuple[float, float] | None:
    """Returns a postcode's latitude and longitude from the table, or None when it is not there."""
    normal = normalise(value)
    if not is_valid(normal):
        return None
    row = Postcode.objects.filter(postcode=normal).values_list("latitude", "longitude").first()
    return (float(row[0]), float(row[1])) if row else None


class PostcodeFileError(ValueError):
    """The file is neither ONSPD nor Code-Point Open."""


@dataclass
class ImportOutcome:
    """What an import did: rows read, postcodes written, and the rows skipped by reason (with a few examples)."""

    file_format: str = ""
    read: int = 0
    written: int = 0
    bad: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, reason: str, where: str) -> None:
        """Counts a skipped row, keeping its place for the first three of each reason."""
        self.bad[reason] += 1
        self.examples.setdefault(reason, [])
        if len(self.examples[reason]) < 3:  # noqa: PLR2004 - a few examples are enough to find the rest
            self.examples[reason].append(where)


def _open_sources(path: Path) -> Iterator[tuple[str, TextIO]]:
    """Yields (name, text stream) for each CSV in a file, a folder or a ZIP."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.suffix.lower() == ".csv"):
            with file.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
                yield file.name, stream
        return
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.lower().endswith(".csv"))
            # ONSPD's ZIP holds the directory and its lookup tables: read the directory only.
            data = [n for n in names if "/data/" in n.lower() or "/" not in n] or names
            if any("onspd" in n.lower() for n in data):
                data = [n for n in data if "onspd" in Path(n).name.lower()]
            for name in data:
                with archive.open(name) as raw:
                    yield name, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        return
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        yield path.name, stream


def detect(first_line: str) -> str:
    """Returns "onspd" or "codepoint" from a file's first line, or raises PostcodeFileError."""
    cells = [c.strip().strip('"').lower() for c in next(csv.reader([first_line]), [])]
    if ({"pcds", "pcd", "pcd2"} & set(cells)) and {"lat", "long"} <= set(cells):
        return "onspd"
    if "eastings" in cells and "northings" in cells:
        return "codepoint-header"
    if len(cells) >= 4 and is_valid(normalise(cells[0])) and cells[2].isdigit() and cells[3].isdigit():  # noqa: PLR2004
        return "codepoint"
    raise PostcodeFileError(
        "the first line is neither an ONSPD header (pcds, lat, long …) nor a Code-Point Open row "
        "(postcode, quality, eastings, northings …)"
    )


def _onspd_rows(reader: csv.DictReader, name: str, outcome: ImportOutcome) -> Iterator[Postcode]:
    for line, raw in enumerate(reader, start=2):
        outcome.read += 1
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if not isinstance(v, list)}
        code = normalise(row.get("pcds") or row.get("pcd2") or row.get("pcd") or "")
        where = f"{name} line {line}"
        if not is_valid(code):
            outcome.skip("not a postcode", where)
            continue
        try:
            lat, lon = float(row.get("lat", "")), float(row.get("long", ""))
        except ValueError:
            outcome.skip("latitude or longitude is not a number", where)
            continue
        if lat >= NO_POINT_LATITUDE:
            outcome.skip("no grid reference (ONSPD gives latitude 99.999999)", where)
            continue
        if not _in_uk(lat, lon):
            outcome.skip("point is outside the UK", where)
            continue
        yield Postcode(
            postcode=code,
            latitude=lat,
            longitude=lon,
            lsoa_code=(row.get("lsoa21") or row.get("lsoa11") or "")[:9],
            ward_code=(row.get("osward") or "")[:9],
            local_authority_code=(row.get("oslaua") or row.get("lad") or "")[:9],
            police_force_code=(row.get("pfa") or "")[:9],
            terminated=bool(row.get("doterm")),
            source="onspd",
        )


def _codepoint_rows(rows: Iterator[list[str]], name: str, outcome: ImportOutcome, first: int) -> Iterator[Postcode]:
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    for line, raw in enumerate(rows, start=first):
        outcome.read += 1
        where = f"{name} line {line}"
        cells = [c.strip().strip('"') for c in raw]
        if len(cells) < 4:  # noqa: PLR2004 - postcode, quality, eastings, northings
            outcome.skip("fewer than four columns", where)
            continue
        code = normalise(cells[0])
        if not is_valid(code):
            outcome.skip("not a postcode", where)
            continue
        try:
            easting, northing = float(cells[2]), float(cells[3])
        except ValueError:
            outcome.skip("eastings or northings is not a number", where)
            continue
        if easting <= 0 or northing <= 0:
            outcome.skip("no grid reference (eastings and northings are 0)", where)
            continue
        lon, lat = to_wgs84.transform(easting, northing)
        if not _in_uk(lat, lon):
            outcome.skip("point is outside the UK", where)
            continue
        yield Postcode(
            postcode=code,
            latitude=round(lat, 6),
            longitude=round(lon, 6),
            local_authority_code=(cells[8] if len(cells) > 8 else "")[:9],  # noqa: PLR2004 - Admin_district_code
            ward_code=(cells[9] if len(cells) > 9 else "")[:9],  # noqa: PLR2004 - Admin_ward_code
            source="codepoint",
        )


def _in_uk(lat: float, lon: float) -> bool:
    (lat_low, lat_high), (lon_low, lon_high) = UK_BOUNDS
    return lat_low <= lat <= lat_high and lon_low <= lon <= lon_high


def _write(batch: list[Postcode]) -> int:
    # The last row wins when a file repeats a postcode; the database upserts on the postcode.
    unique = list({p.postcode: p for p in batch}.values())
    with transaction.atomic():
        Postcode.objects.bulk_create(
            unique,
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=[
                "latitude",
                "longitude",
                "lsoa_code",
                "ward_code",
                "local_authority_code",
                "police_force_code",
                "terminated",
                "source",
            ],
        )
    return len(unique)


def import_postcodes(path: Path, *, progress: Callable[[int, int], None] | None = None) -> ImportOutcome:
    """Loads an ONSPD or Code-Point Open file (or folder, or ZIP) into the postcode table; returns what it did."""
    outcome = ImportOutcome()
    batch: list[Postcode] = []
    next_report = PROGRESS_EVERY
    for name, stream in _open_sources(Path(path)):
        first_line = stream.readline()
        if not first_line.strip():
            continue
        kind = detect(first_line)
        outcome.file_format = outcome.file_format or kind.removesuffix("-header")
        rows: Iterator[Any]
        if kind == "onspd":
            header = next(csv.reader([first_line]))
            rows = _onspd_rows(csv.DictReader(stream, fieldnames=header), name, outcome)
        elif kind == "codepoint-header":
            rows = _codepoint_rows(csv.reader(stream), name, outcome, first=2)
        else:
            rows = _codepoint_rows(_chain_first(first_line, stream), name, outcome, first=1)
        for record in rows:
            batch.append(record)
            if len(batch) >= BATCH:
                outcome.written += _write(batch)
                batch = []
            if progress is not None and outcome.read >= next_report:
                progress(outcome.read, outcome.written)
                next_report += PROGRESS_EVERY
    if batch:
        outcome.written += _write(batch)
    if not outcome.file_format:
        raise PostcodeFileError("no rows: the file is empty")
    return outcome


def _chain_first(first_line: str, stream: TextIO) -> Iterator[list[str]]:
    yield next(csv.reader([first_line]))
    yield from csv.reader(stream)


INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes


def demo_postcodes(neighbourhoods: list[Any], *, per_area: int = 6, seed: int = 2026) -> dict[str, list[Postcode]]:
    """Creates postcodes inside the demo's neighbourhoods ("ZZ" is no real postcode area) and returns them by area.

    Each ward is a district (ZZ1, ZZ2 …), each neighbourhood a sector in it, with ``per_area`` units at
    points inside the neighbourhood. Deterministic for a seed; saving again updates in place.
    """
    import random

    from shapely.geometry import Point, shape

    rng = random.Random(seed)  # noqa: S311 - made-up postcodes, nothing secret
    wards = sorted({a.parent.code for a in neighbourhoods if a.parent is not None})
    sectors: Counter[str] = Counter()
    made: dict[str, list[Postcode]] = {}
    for area in sorted(neighbourhoods, key=lambda a: a.code):
        if not area.boundary or area.parent is None:
            continue
        district = f"ZZ{wards.index(area.parent.code) + 1}"
        sector = sectors[district] % 10
        sectors[district] += 1
        polygon = shape(area.boundary)
        minx, miny, maxx, maxy = polygon.bounds
        units: set[str] = set()
        made[area.code] = []
        while len(made[area.code]) < per_area:
            unit = rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS)
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if unit in units or not polygon.contains(Point(lon, lat)):
                continue
            units.add(unit)
            made[area.code].append(
                Postcode(
                    postcode=f"{district} {sector}{unit}",
                    latitude=round(lat, 6),
                    longitude=round(lon, 6),
                    lsoa_code=area.code,
                    ward_code=area.parent.code,
                    local_authority_code=area.parent.parent.code if area.parent.parent else "",
                    source="demo",
                )
            )
    _write([p for codes in made.values() for p in codes])
    return made
