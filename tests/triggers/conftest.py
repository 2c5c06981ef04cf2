"""Fixtures for the trigger queue: a force with areas and neighbourhood teams, staff, and a linked records store."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from upstream.accounts.models import Organisation, OrganisationKind, Team, User
from upstream.core.roles import Role
from upstream.places.models import Area, AreaLevel


def load_fixtures():
    """Returns the analytics side's hand-made household (tests/analytics/triggers/triggers_fixtures.py)."""
    if "triggers_fixtures" in sys.modules:
        return sys.modules["triggers_fixtures"]
    spec = importlib.util.spec_from_file_location(
        "triggers_fixtures", Path(__file__).parents[1] / "analytics" / "triggers" / "triggers_fixtures.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["triggers_fixtures"] = module
    spec.loader.exec_module(module)
    return module


def write_store(data_dir: Path, *, linked: bool = True, drop_events: tuple[str, ...] = ()) -> None:
    """Writes the hand-made household as the current records store and, if asked, its linkage."""
    fixtures = load_fixtures()
    frames = fixtures.frames()
    frames["events"] = frames["events"][~frames["events"]["event_id"].isin(drop_events)]
    frames["involvements"] = frames["involvements"][~frames["involvements"]["event_id"].isin(drop_events)]
    frames["people"]["forename"] = frames["people"]["person_id"].str.upper()
    frames["people"]["surname"] = "Testperson"
    root = data_dir / "analytics" / "records"
    version = root / "versions" / "v000001"
    version.mkdir(parents=True, exist_ok=True)
    for name in ("events", "people", "locations", "involvements", "relationships"):
        pq.write_table(fixtures._arrow(frames[name]), version / f"{name}.parquet")
    (root / "CURRENT").write_text("v000001\n", encoding="utf-8")
    if linked:
        link = data_dir / "runs" / "link"
        link.mkdir(parents=True, exist_ok=True)
        frames["resolved"].to_csv(link / "people_resolved.csv", index=False)
        frames["households"].to_csv(link / "households.csv", index=False)


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
        "n3": Area.objects.create(
            level=AreaLevel.NEIGHBOURHOOD, code="E01000003", name="Park Lane", parent=other_ward
        ),
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
        for path in sorted(folder.glob("*.parquet")) + sorted(Path(link_dir).glob("*.csv")):
            digest.update(path.name.encode() + path.read_bytes())
        key = (digest.hexdigest(), repr(sorted(ruleset.data.items(), key=str)), as_of, engine)
        if key not in _RUNS:
            _RUNS[key] = real(analytics_dir, link_dir, out, ruleset, as_of=as_of, engine=engine)
        else:
            pipeline.write(_RUNS[key], out)
        return _RUNS[key]

    monkeypatch.setattr(pipeline, "run_from_store", remembered)


def sign_in(client, user):
    """Signs the user in past both factors, as the two-factor middleware expects."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
