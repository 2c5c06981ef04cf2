"""Fixtures for the directory: the official HSDS examples and a small generated directory."""

from __future__ import annotations

from pathlib import Path

import pytest

HSDS = Path("/work/shared/data/hsds")


@pytest.fixture
def hsds_dir() -> Path:
    """Returns the shared HSDS reference folder (skips when this machine does not have it)."""
    if not (HSDS / "3.0" / "schema" / "service.json").exists():
        pytest.skip("the shared HSDS reference data is not on this machine")
    return HSDS


@pytest.fixture
def schema_dir(hsds_dir: Path) -> Path:
    """Returns the official HSDS 3.0 schema folder."""
    return hsds_dir / "3.0" / "schema"


@pytest.fixture
def examples_dir(hsds_dir: Path) -> Path:
    """Returns the official HSDS 3.0 example dataset."""
    return hsds_dir / "3.0" / "examples"
