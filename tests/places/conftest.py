"""Fixtures for the places tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The tests here share places_data.py; with --import-mode=importlib pytest no longer puts this folder on
# sys.path, so it is put there once (the module's name is unique to the suite).
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

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


@pytest.fixture
def staff(db):
    """Returns a maker of signed-in-able users with the given roles."""
    from upstream.accounts.models import Organisation, OrganisationKind, User

    organisation, _ = Organisation.objects.get_or_create(name="Places Test Force", kind=OrganisationKind.POLICE_FORCE)

    def make(*roles, username=None):
        return User.objects.create_user(
            username=username or "-".join(roles) or "no-role",
            password="a long test passphrase for places",
            organisation=organisation,
            roles=list(roles),
        )

    return make
