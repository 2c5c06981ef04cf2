"""Helpers for the problem-solving tests: fill a plan's stages with the least each gate needs."""

from __future__ import annotations

import datetime as dt

from upstream.problems import services
from upstream.problems.models import DataSourceKind, Decision, Impact, Technique


def fill_scanning(plan, actor):
    """Gives the plan everything scanning needs, and returns it."""
    services.add_data_source(actor=actor, plan=plan, kind=DataSourceKind.CALLS, description="ASB calls, last year")
    plan.refresh_from_db()
    return services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        description="Groups of young people drink and shout late at night at the play area.",
        who_harmed="Residents of the flats overlooking the play area",
        how_noticed="Repeat calls and a residents' meeting",
        baseline_measure="ASB calls about the play area",
        baseline_value=120,
        baseline_start=dt.date(2025, 1, 1),
        baseline_end=dt.date(2025, 6, 30),
    )


def fill_analysis(plan, actor):
    """Gives the plan everything analysis needs, and returns it with its finding."""
    finding = services.add_finding(actor=actor, plan=plan, text="Most calls are on Friday and Saturday nights")
    plan.refresh_from_db()
    plan = services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        offender="Teenagers from the estate",
        victim="Residents",
        location="Play area with broken lights",
        hypothesis="Dark, unmanaged space with nothing else for young people to do",
    )
    return plan, finding


def fill_response(plan, actor, finding):
    """Gives the plan everything the response needs, and returns it."""
    services.add_action(
        actor=actor,
        plan=plan,
        description="Fix the lights",
        technique=Technique.NATURAL_SURVEILLANCE,
        finding=finding,
        agency=plan.organisation,
        owner_name="PC Oak",
        due_date=dt.date(2025, 8, 1),
    )
    plan.refresh_from_db()
    return services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        objective="Halve ASB calls about the play area by March",
        impact=Impact.REDUCE,
    )


def fill_assessment(plan, actor):
    """Gives the plan everything the assessment needs, and returns it."""
    plan.refresh_from_db()
    return services.update_plan(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        after_value=84,
        after_start=dt.date(2025, 9, 1),
        after_end=dt.date(2026, 2, 28),
        decision=Decision.CLOSE,
    )


def move(plan, actor, to_stage):
    plan.refresh_from_db()
    return services.request_move(actor=actor, plan=plan, expected_version=plan.version, to_stage=to_stage)


# --- a hand-made records store for the measures worked out from data ------------------------------------

STORE_LOCATIONS = [("L1", "E01000001"), ("L2", "E01000001"), ("L3", "E05000001"), ("L4", "E01000002")]
# (id, type, when, location, category, offence code, flags). E1-E10 are youth disorder (the default plan's
# kind); E11-E15 are burglary, a drugs incident and domestic violence in the same places and periods, which a
# youth disorder plan must not count.
STORE_EVENTS = [
    ("E1", "CALL", "2025-01-05 22:00", "L1", "ASB - youths gathering", "", ""),
    ("E2", "CALL", "2025-01-06 22:30", "L1", "ASB nuisance", "", "ALCOHOL"),
    ("E3", "CRIME", "2025-01-10 14:00", "L2", "Crime", "9A", ""),
    ("E4", "CALL", "2025-01-20 23:00", "L3", "Youths causing annoyance", "", ""),
    ("E5", "CUSTODY", "2025-01-21 10:00", "L1", "Custody", "", ""),
    ("E6", "CALL", "2025-02-10 10:00", "L1", "ASB", "", ""),
    ("E7", "CALL", "2025-03-02 21:00", "L1", "Anti-social behaviour", "", ""),
    ("E8", "CRIME", "2025-03-15 12:00", "L4", "Crime", "9B", ""),
    ("E9", "INCIDENT", "2025-03-31 23:59", "L2", "Disorder", "", ""),
    ("E10", "CALL", "2025-01-31 23:59", "L1", "asb", "", ""),
    ("E11", "CALL", "2025-01-08 03:00", "L1", "Burglary in progress", "", ""),
    ("E12", "CRIME", "2025-01-12 02:00", "L2", "Crime", "28E", ""),
    ("E13", "CRIME", "2025-03-10 04:00", "L1", "Crime", "28F", ""),
    ("E14", "CRIME", "2025-03-20 04:00", "L4", "Crime", "30C", ""),
    ("E15", "INCIDENT", "2025-01-15 18:00", "L2", "Concern for welfare", "", "DRUGS"),
    ("E16", "CRIME", "2025-01-16 20:00", "L2", "Domestic abuse crime", "8N", "DA"),
]
STORE_INVOLVEMENTS = [
    ("E1", "P1", "VICTIM"),
    ("E2", "P1", "VICTIM"),
    ("E10", "P1", "VICTIM"),
    ("E3", "P2", "VICTIM"),
    ("E1", "P9", "SUSPECT"),
    ("E4", "P9", "SUSPECT"),
    ("E10", "P9", "OFFENDER"),
]


def write_records_store(analytics_dir, *, until=None):
    """Writes the hand-made events as the current records store (E01000001 and E05000001 in the plan's ward).

    ``until`` (a date) adds a custody event that day, so the store covers up to it (custody is never measured).
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = analytics_dir / "records" / "versions" / "v000001"
    folder.mkdir(parents=True)
    locations = {"location_id": [x[0] for x in STORE_LOCATIONS], "area_code": [x[1] for x in STORE_LOCATIONS]}
    pq.write_table(pa.table(locations), folder / "locations.parquet")
    rows = list(STORE_EVENTS)
    if until is not None:
        rows.append(("E99", "CUSTODY", f"{until.isoformat()} 12:00", "L1", "Custody", "", ""))
    events = {
        "event_id": [e[0] for e in rows],
        "event_type": [e[1] for e in rows],
        "occurred_at": pa.array([pd.Timestamp(e[2]) for e in rows], type=pa.timestamp("us")),
        "location_id": [e[3] for e in rows],
        "category": [e[4] for e in rows],
        "offence_code": [e[5] or None for e in rows],
        "flags": [e[6] or None for e in rows],
    }
    pq.write_table(pa.table(events), folder / "events.parquet")
    involvements = {
        "event_id": [i[0] for i in STORE_INVOLVEMENTS],
        "person_id": [i[1] for i in STORE_INVOLVEMENTS],
        "role": [i[2] for i in STORE_INVOLVEMENTS],
    }
    pq.write_table(pa.table(involvements), folder / "involvements.parquet")
    (analytics_dir / "records" / "CURRENT").write_text("v000001\n")


def write_policeuk(analytics_dir, rows):
    """Writes police.uk crimes, given as (month, LSOA code) or (month, LSOA code, crime type), as the store."""
    import pandas as pd

    from upstream_analytics.places.policeuk import CRIME_SCHEMA
    from upstream_analytics.places.store import CrimeStore

    frames = {}
    for month, lsoa, *kind in rows:
        row = dict.fromkeys(CRIME_SCHEMA.names, "")
        crime_type = kind[0] if kind else "Public order"
        row.update(month=month, lsoa_code=lsoa, force_key="wessex", reported_by_key="wessex", crime_type=crime_type)
        row.update(longitude=None, latitude=None)
        frames.setdefault(("wessex", month), []).append(row)
    CrimeStore(analytics_dir).replace({key: pd.DataFrame(value) for key, value in frames.items()})
