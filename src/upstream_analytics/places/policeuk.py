"""Reads police.uk street-level crime CSVs (``.csv`` or ``.csv.gz``) into one normalised frame per file.

Every row that is not kept is counted with its reason, so an import can say exactly what it skipped.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

POLICEUK_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
ASB = "Anti-social behaviour"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Words that differ between a force's police.uk name and the name an analyst types ("West Yorkshire Police").
_FORCE_NOISE = {"police", "constabulary", "service", "force", "the", "and", "of"}

CRIME_SCHEMA = pa.schema(
    [
        ("crime_id", pa.string()),
        ("month", pa.string()),
        ("reported_by", pa.string()),
        ("reported_by_key", pa.string()),
        ("falls_within", pa.string()),
        ("force_key", pa.string()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("location", pa.string()),
        ("lsoa_code", pa.string()),
        ("lsoa_name", pa.string()),
        ("crime_type", pa.string()),
        ("outcome", pa.string()),
        ("context", pa.string()),
        ("source_file", pa.string()),
    ]
)


def force_key(name: str) -> str:
    """Returns the key that matches a force however it is written ("West Yorkshire Police" -> "west-yorkshire")."""
    words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w and w not in _FORCE_NOISE]
    return "-".join(words)


def valid_month(value: str) -> bool:
    """Returns whether a value is a month written YYYY-MM."""
    return bool(_MONTH.match(value))


@dataclass
class FileResult:
    """What one file gave: the rows kept and the rows (or the whole file) skipped, with reasons."""

    path: Path
    frame: pd.DataFrame | None = None
    skipped_rows: Counter[str] = field(default_factory=Counter)
    file_problem: str | None = None

    @property
    def kept(self) -> int:
        """Returns the number of rows kept."""
        return 0 if self.frame is None else len(self.frame)


def read_street_csv(  # noqa: C901 - each check is one line, in the order a user would read them
    path: Path, *, first_month: str | None = None, last_month: str | None = None
) -> FileResult:
    """Returns the rows of one police.uk street-level file, normalised, with what was skipped and why."""
    result = FileResult(path=path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        result.file_problem = "empty file (no header)"
        return result
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, pd.errors.ParserError) as exc:
        result.file_problem = f"could not be read as a CSV file ({exc.__class__.__name__}: {exc})"
        return result
    columns = [c.strip() for c in raw.columns]
    if columns != list(POLICEUK_COLUMNS):
        missing = [c for c in POLICEUK_COLUMNS if c not in columns]
        extra = [c for c in columns if c not in POLICEUK_COLUMNS]
        detail = []
        if missing:
            detail.append("missing " + ", ".join(repr(c) for c in missing))
        if extra:
            detail.append("unexpected " + ", ".join(repr(c) for c in extra))
        if not detail:
            detail.append("columns in an unexpected order")
        result.file_problem = "unexpected header: " + "; ".join(detail)
        return result
    raw.columns = columns
    if raw.empty:
        result.file_problem = "empty file (header only)"
        return result

    month = raw["Month"].str.strip()
    bad_month = ~month.map(valid_month)
    no_type = raw["Crime type"].str.strip() == ""
    no_force = raw["Falls within"].str.strip() == ""
    early = month < first_month if first_month else pd.Series(data=False, index=raw.index)
    late = month > last_month if last_month else pd.Series(data=False, index=raw.index)
    # One reason per row, in order of precedence, so the counts add up to the rows dropped.
    reasons = [
        (bad_month, "month not written YYYY-MM"),
        (~bad_month & early, f"month before {first_month}"),
        (~bad_month & late, f"month after {last_month}"),
        (no_type, "no crime type"),
        (no_force, "no force in 'Falls within'"),
    ]
    drop = pd.Series(data=False, index=raw.index)
    for mask, reason in reasons:
        new = mask & ~drop
        if new.any():
            result.skipped_rows[reason] += int(new.sum())
        drop |= mask
    kept = raw.loc[~drop]

    def text(column: str) -> pd.Series:
        values = kept[column].str.strip()
        return values.where(values != "", None)

    frame = pd.DataFrame(
        {
            "crime_id": text("Crime ID"),
            "month": month.loc[~drop],
            "reported_by": text("Reported by"),
            "falls_within": text("Falls within"),
            "longitude": pd.to_numeric(kept["Longitude"], errors="coerce"),
            "latitude": pd.to_numeric(kept["Latitude"], errors="coerce"),
            "location": text("Location"),
            "lsoa_code": text("LSOA code"),
            "lsoa_name": text("LSOA name"),
            "crime_type": text("Crime type"),
            "outcome": text("Last outcome category"),
            "context": text("Context"),
        }
    )
    frame["reported_by"] = frame["reported_by"].fillna(frame["falls_within"])
    frame["reported_by_key"] = frame["reported_by"].map(force_key)
    frame["force_key"] = frame["falls_within"].map(force_key)
    frame["source_file"] = path.name
    result.frame = frame[[f.name for f in CRIME_SCHEMA]].reset_index(drop=True)
    return result
