"""A plan's before/after counts and concentration, hand-counted, on DuckDB and on Spark."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from upstream_analytics.places.policeuk import CRIME_SCHEMA
from upstream_analytics.places.store import CrimeStore
from upstream_analytics.problems import categories, measure
from upstream_analytics.problems.measure import Period

BEFORE = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
AFTER = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
LOCATIONS = [("L1", "A1"), ("L2", "A1"), ("L3", "A2"), ("L4", "B1")]
EVENTS = [
    ("E1", "CALL", "2025-01-05 22:00", "L1"),
    ("E2", "CALL", "2025-01-06 22:30", "L1"),
    ("E3", "CRIME", "2025-01-10 14:00", "L2"),
    ("E4", "CALL", "2025-01-20 23:00", "L3"),
    ("E5", "CUSTODY", "2025-01-21 10:00", "L1"),  # not a measured type
    ("E6", "CALL", "2025-02-10 10:00", "L1"),  # between the periods
    ("E7", "CALL", "2025-03-02 21:00", "L1"),
    ("E8", "CRIME", "2025-03-15 12:00", "L4"),  # another area
    ("E9", "INCIDENT", "2025-03-31 23:59", "L2"),  # last minute of the after period
    ("E10", "CALL", "2025-01-31 23:59", "L1"),  # last minute of the before period
]
INVOLVEMENTS = [
    ("E1", "P1", "VICTIM"),
    ("E2", "P1", "VICTIM"),
    ("E10", "P1", "VICTIM"),
    ("E3", "P2", "VICTIM"),
    ("E1", "P9", "SUSPECT"),
    ("E4", "P9", "SUSPECT"),
    ("E10", "P9", "OFFENDER"),
    ("E7", "P3", "VICTIM"),  # after the period the concentration looks at
]


def write_store(analytics_dir):
    folder = analytics_dir / "records" / "versions" / "v000001"
    folder.mkdir(parents=True)
    pq.write_table(
        pa.table({"location_id": [x[0] for x in LOCATIONS], "area_code": [x[1] for x in LOCATIONS]}),
        folder / "locations.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "event_id": [e[0] for e in EVENTS],
                "event_type": [e[1] for e in EVENTS],
                "occurred_at": pa.array([pd.Timestamp(e[2]) for e in EVENTS], type=pa.timestamp("us")),
                "location_id": [e[3] for e in EVENTS],
            }
        ),
        folder / "events.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "event_id": [i[0] for i in INVOLVEMENTS],
                "person_id": [i[1] for i in INVOLVEMENTS],
                "role": [i[2] for i in INVOLVEMENTS],
            }
        ),
        folder / "involvements.parquet",
    )
    (analytics_dir / "records" / "CURRENT").write_text("v000001\n")


@pytest.fixture
def tables(con, tmp_path):
    write_store(tmp_path)
    return measure.records_tables(con, tmp_path)


def test_an_empty_store_gives_none(con, tmp_path):
    assert measure.records_tables(con, tmp_path) is None
    assert measure.policeuk_crimes(con, tmp_path) is None


def test_before_and_after_counts_by_type(con, tables):
    scoped = measure.events_in_areas(tables["events"], tables["locations"], ["A1", "A2"])
    counts = measure.as_counts(con, measure.period_counts(scoped, before=BEFORE, after=AFTER))
    assert counts == {"before": {"CALL": 4, "CRIME": 1}, "after": {"CALL": 1, "INCIDENT": 1}}
    other = measure.events_in_areas(tables["events"], tables["locations"], ["B1"])
    assert measure.as_counts(con, measure.period_counts(other, before=BEFORE, after=AFTER)) == {
        "before": {},
        "after": {"CRIME": 1},
    }


def test_concentration_in_places_people_and_time(con, tables):
    scoped = measure.events_in_areas(tables["events"], tables["locations"], ["A1", "A2"])
    found = measure.concentration(con, scoped, tables["involvements"], period=BEFORE)
    assert found.total_events == 5
    locations = found.locations.set_index("band")
    assert (locations.loc["1", "count"], locations.loc["1", "events"]) == (2, 2)
    assert (locations.loc["3-4", "count"], locations.loc["3-4", "events"], locations.loc["3-4", "share"]) == (
        1,
        3,
        60.0,
    )
    assert found.top_locations == (1, 60.0)
    victims = found.victims.set_index("band")
    assert (victims.loc["3-4", "count"], victims.loc["1", "count"]) == (1, 1)
    assert found.top_victims == (1, 75.0)
    offenders = found.offenders.set_index("band")
    assert offenders.loc["3-4", "count"] == 1
    assert offenders["count"].sum() == 1
    hours = dict(zip(found.by_hour["hour"], found.by_hour["events"], strict=True))
    assert (hours[22], hours[23], hours[14], hours[0]) == (2, 2, 1, 0)
    weekdays = dict(zip(found.by_weekday["weekday"], found.by_weekday["events"], strict=True))
    assert weekdays == {0: 2, 1: 0, 2: 0, 3: 0, 4: 2, 5: 0, 6: 1}
    assert found.by_month.to_dict("records") == [{"month": "2025-01", "events": 5}]
    assert found.by_area.to_dict("records") == [{"area_code": "A1", "events": 4}, {"area_code": "A2", "events": 1}]


def test_policeuk_crimes_by_lsoa_whole_months_and_type(con, tmp_path):
    def crime(month, lsoa, crime_type="Burglary"):
        row = dict.fromkeys(CRIME_SCHEMA.names, "")
        row.update(month=month, lsoa_code=lsoa, force_key="wessex", reported_by_key="wessex", crime_type=crime_type)
        row.update(longitude=None, latitude=None)
        return row

    rows = [crime("2025-01", "E01"), crime("2025-01", "E01"), crime("2025-01", "E09"), crime("2025-03", "E01")]
    rows += [crime("2025-02", "E01")]  # between the periods
    rows += [crime("2025-01", "E01", "Drugs"), crime("2025-03", "E01", "Anti-social behaviour")]
    frames = {}
    for row in rows:
        frames.setdefault(("wessex", row["month"]), []).append(row)
    CrimeStore(tmp_path).replace({key: pd.DataFrame(value) for key, value in frames.items()})
    crimes = measure.policeuk_crimes(con, tmp_path)
    counts = measure.policeuk_period_counts(crimes, lsoa_codes=["E01"], before=BEFORE, after=AFTER)
    assert measure.as_counts(con, counts) == {
        "before": {"Burglary": 2, "Drugs": 1},
        "after": {"Burglary": 1, "Anti-social behaviour": 1},
    }
    burglary = measure.policeuk_period_counts(
        crimes, lsoa_codes=["E01"], before=BEFORE, after=AFTER, scope=categories.scope_for("burglary")
    )
    assert measure.as_counts(con, burglary) == {"before": {"Burglary": 2}, "after": {"Burglary": 1}}
