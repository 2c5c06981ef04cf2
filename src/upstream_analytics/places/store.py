"""The places part of the analytics store: police.uk crimes and deprivation as Parquet under one folder.

Crimes are kept one file per (reporting force, month), inside a *version* folder named by the ``CURRENT``
file. An import stages a complete new version (unchanged files hard-linked, changed ones written afresh)
and then switches ``CURRENT`` with one atomic rename, so a reader sees either the old data or the new,
never half an import, and re-importing a month replaces it rather than adding to it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from upstream_analytics.places.policeuk import CRIME_SCHEMA

CRIMES = "policeuk"
DEPRIVATION = "deprivation.parquet"


def places_dir(analytics_dir: Path) -> Path:
    """Returns the folder of the places store inside the analytics store."""
    return Path(analytics_dir) / "places"


def _partition_name(reported_by_key: str, month: str) -> str:
    return f"{reported_by_key}__{month}.parquet"


@dataclass(frozen=True)
class Partition:
    """One stored file of crimes: one reporting force, one month."""

    reported_by_key: str
    month: str
    path: Path


class CrimeStore:
    """The stored police.uk crimes, one Parquet file per reporting force and month."""

    def __init__(self, analytics_dir: Path) -> None:
        """Opens (without creating) the crime store under the analytics folder."""
        self.root = places_dir(analytics_dir) / CRIMES
        self.versions = self.root / "versions"
        self.pointer = self.root / "CURRENT"

    def current(self) -> Path | None:
        """Returns the folder of the current version, or None when nothing was imported."""
        if not self.pointer.exists():
            return None
        folder = self.versions / self.pointer.read_text().strip()
        return folder if folder.is_dir() else None

    def partitions(self) -> list[Partition]:
        """Returns the stored files, sorted by force and month."""
        folder = self.current()
        if folder is None:
            return []
        found = []
        for path in sorted(folder.glob("*.parquet")):
            key, _, month = path.stem.partition("__")
            found.append(Partition(key, month, path))
        return found

    def replace(self, frames: dict[tuple[str, str], pd.DataFrame]) -> list[tuple[str, str, bool]]:
        """Returns (force, month, replaced?) for each partition written, after switching to the new version."""
        self.versions.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
        staging = self.versions / f".staging-{stamp}"
        staging.mkdir()
        old = {(p.reported_by_key, p.month): p.path for p in self.partitions()}
        written = []
        try:
            for (key, month), path in old.items():
                if (key, month) not in frames:
                    os.link(path, staging / path.name)
            for (key, month), frame in sorted(frames.items()):
                table = pa.Table.from_pandas(frame, schema=CRIME_SCHEMA, preserve_index=False)
                pq.write_table(table, staging / _partition_name(key, month))
                written.append((key, month, (key, month) in old))
            final = self.versions / stamp
            staging.rename(final)
            tmp_pointer = self.root / ".CURRENT.tmp"
            tmp_pointer.write_text(stamp)
            # The switch: one atomic rename; everything before it can fail without touching what readers see.
            tmp_pointer.replace(self.pointer)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        for folder in self.versions.iterdir():
            if folder.name != stamp:
                shutil.rmtree(folder, ignore_errors=True)
        return written

    def table(self, con: BaseBackend) -> ibis.Table:
        """Returns the stored crimes as a table on the given engine (an error if none were imported)."""
        folder = self.current()
        if folder is None or not any(folder.glob("*.parquet")):
            raise FileNotFoundError("no police.uk crimes have been imported")
        return read_folder(con, folder, "policeuk_crimes")


def read_folder(con: BaseBackend, folder: Path, name: str) -> ibis.Table:
    """Returns every Parquet file of a flat folder as one table (DuckDB wants a glob, Spark the folder)."""
    if con.name == "duckdb":
        return con.read_parquet(str(folder / "*.parquet"), table_name=name)
    return con.read_parquet(str(folder), table_name=name)


def write_deprivation(analytics_dir: Path, frame: pd.DataFrame) -> Path:
    """Returns the path of the deprivation table after replacing it whole (write aside, then rename)."""
    folder = places_dir(analytics_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DEPRIVATION
    tmp = folder / f".{DEPRIVATION}.tmp"
    frame.to_parquet(tmp, index=False)
    tmp.replace(target)
    return target


def read_deprivation(analytics_dir: Path) -> pd.DataFrame | None:
    """Returns the stored deprivation table, or None when none was imported."""
    path = places_dir(analytics_dir) / DEPRIVATION
    return pd.read_parquet(path) if path.exists() else None


def file_digest(path: Path) -> str:
    """Returns the SHA-256 of a file, so a run's manifest pins exactly which inputs it read."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
