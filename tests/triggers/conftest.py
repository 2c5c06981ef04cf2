"""Fixtures for the trigger queue: a force with areas and neighbourhood teams, staff, and a linked records store."""

from __future__ import annotations

from pathlib import Path

import pytest
from triggers_queue_helpers import write_store

from upstream.accounts.models import Organisation, OrganisationKind, Team, User
from upstream.core.roles import Role
from upstream.places.models import Area, AreaLevel


@pytest.fixture
def data_dir(settings):
    """Returns the test's own data folder (set by the suite's autouse fixture)."""
    return Path(settings.DATA_DIR)


@pytest.fixture
def store(data_dir):
    """Writes the linked hand-made store; returns the data folder."""
    write_store(data_dir)
    return data_dir


@pytest.fixture
def force(db):
    return Organisation.objects.create(name="Calder Police", kind=OrganisationKind.POLICE_FORCE)


@pytest.fixture
def other_force(db):
    return Organisation.objects.create(name="Other Police", kind=OrganisationKind.POLICE_FORCE)


@pytest.fixture
def areas(db):
    """Returns the neighbourhoods of the fixture's addresses, in a ward in an authority."""
    force_area = Area.objects.create(level=AreaLevel.FORCE, code="force:calder", name="Calder")
    authority = Area.objects.create(
        level=AreaLevel.LOCAL_AUTHORITY, code="E06000099", name="Calderdale", parent=force_area
    )
    ward = Area.objects.create(level=AreaLevel.WARD, code="E05000099", name="Town", parent=authority)
    other_ward = Area.objects.create(level=AreaLevel.WARD, code="E05000098", name="Moor", parent=authority)
    return {
        "authority": authority,
        "ward": ward,
        "other_ward": other_ward,
        "n1": Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="E01000001", name="High Street", parent=ward),
        "n2": Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="E01000002", name="Low Road", parent=ward),
        "n3": Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="E01000003", name="Park Lane", parent=other_ward),
    }


@pytest.fixture
def make_user(db):
    def make(username, organisation, *roles):
        return User.objects.create_user(
            username=username, organisation=organisation, roles=[str(r) for r in roles], first_name=username.title()
        )

    return make


@pytest.fixture
def analyst(make_user, force):
    return make_user("analyst", force, Role.ANALYST)


@pytest.fixture
def second_analyst(make_user, force):
    return make_user("analyst-two", force, Role.ANALYST)


@pytest.fixture
def supervisor(make_user, force):
    return make_user("supervisor", force, Role.SUPERVISOR)


@pytest.fixture
def officer(make_user, force):
    return make_user("officer", force, Role.OFFICER)


@pytest.fixture
def teams(force, other_force, areas):
    town = Team.objects.create(organisation=force, name="Town Neighbourhood Team", is_neighbourhood_team=True)
    town.areas.set([areas["ward"]])
    moor = Team.objects.create(organisation=force, name="Moor Neighbourhood Team", is_neighbourhood_team=True)
    moor.areas.set([areas["other_ward"]])
    hub = Team.objects.create(organisation=force, name="Safeguarding Hub", is_neighbourhood_team=False)
    elsewhere = Team.objects.create(organisation=other_force, name="Elsewhere Team", is_neighbourhood_team=True)
    return {"town": town, "moor": moor, "hub": hub, "elsewhere": elsewhere}


@pytest.fixture
def loaded(store, force, teams, analyst):
    """Runs the rules as of the fixture's date from the web side's service and returns the run."""
    import datetime as dt

    from upstream.triggers import services

    run = services.start_run(actor=analyst, as_of=dt.date(2025, 12, 31))
    run.refresh_from_db()
    return run


_RUNS: dict[tuple, object] = {}


@pytest.fixture(autouse=True)
def _remember_runs(monkeypatch):
    """Runs the real rules once per store content, as-of date and rule set, and reuses the answer.

    The rules are deterministic (the same store, date and rule set give the same answer: tested on the
    analytics side), so computing them again for every test would only cost time on a shared machine.
    """
    import hashlib

    from upstream_analytics.records.store import RecordsStore
    from upstream_analytics.triggers import pipeline

    real = pipeline.run_from_store

    def remembered(analytics_dir, link_dir, out, ruleset, *, as_of, engine="duckdb"):
        folder = RecordsStore(analytics_dir).current_dir()  # StoreEmptyError as the real one
        digest = hashlib.sha256()
        link = Path(link_dir)
        for path in sorted(folder.glob("*.parquet")) + sorted(link.glob("*.csv")) + sorted(link.glob("*.parquet")):
            digest.update(path.name.encode() + path.read_bytes())
        # Whether the person facts are read depends on their age beside the groups, not only on their bytes.
        key = (
            digest.hexdigest(),
            pipeline.facts_path(link) is not None,
            repr(sorted(ruleset.data.items(), key=str)),
            as_of,
            engine,
        )
        if key not in _RUNS:
            _RUNS[key] = real(analytics_dir, link_dir, out, ruleset, as_of=as_of, engine=engine)
        else:
            pipeline.write(_RUNS[key], out)
        return _RUNS[key]

    monkeypatch.setattr(pipeline, "run_from_store", remembered)
