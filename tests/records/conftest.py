"""Fixtures for the records commands' tests."""

from __future__ import annotations

import pytest
from pole_extracts import write_extract


@pytest.fixture
def extract(tmp_path):
    """Returns a small good extract folder."""
    return write_extract(tmp_path / "extract")
