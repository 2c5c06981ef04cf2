"""Fixtures for the places tests."""

from __future__ import annotations

import pytest
from places_data import CALDERDALE_LSOAS, CALDERDALE_WARDS, import_boundaries


def pytest_collection_modifyitems(items):
    """Skips nothing silently: a missing data folder is a failure the reader can act on."""
    if not CALDERDALE_LSOAS.exists():
        pytest.fail(f"The shared boundary data is missing: {CALDERDALE_LSOAS}", pytrace=False)


@pytest.fixture
def calderdale(db):
    """Loads Calderdale's wards, then its LSOAs, under West Yorkshire."""
    import_boundaries(CALDERDALE_WARDS, "--level", "ward", "--force", "West Yorkshire")
    import_boundaries(CALDERDALE_LSOAS, "--level", "lsoa", "--force", "West Yorkshire")
