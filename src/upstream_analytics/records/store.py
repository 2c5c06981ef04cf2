"""The records store: one Parquet file per table in a versioned folder, with a pointer to the current one.

Layout under the analytics folder::

    records/CURRENT              one line: the current version, e.g. v000003
    records/versions/v000003/    events.parquet, people.parquet, … and rejects.csv of that import
    records/staging/             versions being written; never read

A version is written in staging, renamed into versions/ (same file system, so atomic) and only then
named in CURRENT, itself replaced by an atomic rename: readers see the old version or the new, never half.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

KEEP_VERSIONS = 2


class StoreEmptyError(Exception):
    """The records store holds no import yet."""


class RecordsStore:
    """A records store rooted at `<analytics dir>/records`."""

    def __init__(self, analytics_dir: Path) -> None:
        self.root = Path(analytics_dir) / "records"
        self.versions_dir = self.root / "versions"
        self.staging_dir = self.root / "staging"
        self.pointer = self.root / "CURRENT"

    def current_version(self) -> str | None:
        """Returns the name of the current version, or None before the first import."""
        if not self.pointer.exists():
            return None
        name = self.pointer.read_text(encoding="utf-8").strip()
        return name if name and (self.versions_dir / name).is_dir() else None

    def version_dir(self, version: str) -> Path:
        """Returns the folder of a version."""
        return self.versions_dir / version

    def current_dir(self) -> Path:
        """Returns the current version's folder, or raises StoreEmptyError."""
        version = self.current_version()
        if version is None:
            raise StoreEmptyError(f"The records store in {self.root} is empty: run `upstream records import` first.")
        return self.version_dir(version)

    def current_table_path(self, table: str) -> Path | None:
        """Returns the Parquet file of a table in the current version, or None."""
        version = self.current_version()
        if version is None:
            return None
        path = self.version_dir(version) / f"{table}.parquet"
        return path if path.exists() else None

    def next_version(self) -> str:
        """Returns the name the next version will take."""
        numbers = [int(p.name[1:]) for p in self.versions_dir.glob("v*") if p.name[1:].isdigit()]
        return f"v{max(numbers, default=0) + 1:06d}"

    def clear_staging(self) -> None:
        """Removes versions left half-written by a killed import, and versions never switched in."""
        if self.staging_dir.exists():
            shutil.rmtree(self.staging_dir)
        current = self.current_version()
        for folder in self.versions_dir.glob("v*"):
            # A version renamed into place but never named in CURRENT (killed between the two renames).
            if current is None or folder.name > current:
                shutil.rmtree(folder)

    def switch(self, staging: Path, version: str) -> None:
        """Makes a fully written staging folder the current version, atomically."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        target = self.version_dir(version)
        staging.rename(target)
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.pointer)
        self._prune(version)

    def _prune(self, current: str) -> None:
        """Keeps the current version and the one before it (for a look back); removes older ones."""
        versions = sorted(p.name for p in self.versions_dir.glob("v*") if p.name <= current)
        for name in versions[:-KEEP_VERSIONS]:
            shutil.rmtree(self.versions_dir / name)
