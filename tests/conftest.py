"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, settings):
    """Gives each test its own data folder, so runs and analytics outputs never mix."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.ANALYTICS_DIR = settings.DATA_DIR / "analytics"
    settings.RUNS_DIR = settings.DATA_DIR / "runs"
