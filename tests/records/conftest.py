"""Fixtures for the records pages: a generated force imported and linked once, copied into each test's data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.roles import Role


@pytest.fixture(scope="session")
def linked_data(tmp_path_factory):
    """Returns a data folder holding a small generated force, imported and linked (no decisions yet)."""
    from upstream_analytics.generator import generate, write
    from upstream_analytics.linkage.pipeline import run_link
    from upstream_analytics.records.importer import import_extract

    root = tmp_path_factory.mktemp("records-linked")
    extract = generate(300, 3, seed=2)
    write(extract, root / "extract")
    data = root / "data"
    import_extract(root / "extract", data / "analytics")
    run_link(data / "analytics", data / "runs" / "link")
    return data


@pytest.fixture
def linked(linked_data, settings):
    """Copies the linked force into the test's own data folder; returns the link run folder."""
    shutil.copytree(linked_data, Path(settings.DATA_DIR), dirs_exist_ok=True)
    return Path(settings.RUNS_DIR) / "link"


@pytest.fixture
def review_pairs(linked):
    """Returns the run's uncertain pairs, most likely first."""
    return pd.read_csv(linked / "clerical_review.csv", dtype={"person_id_l": str, "person_id_r": str})


@pytest.fixture
def force(db):
    return Organisation.objects.create(name="Calder Police", kind=OrganisationKind.POLICE_FORCE)


@pytest.fixture
def council(db):
    return Organisation.objects.create(name="Calder Council", kind=OrganisationKind.COUNCIL)


@pytest.fixture
def make_user(db):
    def make(username, organisation, *roles):
        return User.objects.create_user(username=username, organisation=organisation, roles=[str(r) for r in roles])

    return make


@pytest.fixture
def analyst(make_user, force):
    return make_user("analyst", force, Role.ANALYST)


@pytest.fixture
def officer(make_user, force):
    return make_user("officer", force, Role.OFFICER)
