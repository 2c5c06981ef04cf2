"""Force events from the records store counted by area: the same, hand-checked answer on DuckDB and Spark."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from upstream_analytics.engine import to_sorted_records
from upstream_analytics.places import aggregate

LOOKUP = pd.DataFrame({"lsoa_code": ["L1", "L2", "L3"], "area_code": ["W1", "W1", "W2"]})
LOCATIONS = pd.DataFrame(
    {
        "location_id": ["A", "B", "C", "D", "E"],
        "area_code": ["L1", "L2", "L3", "E01999999", None],  # D: another force's LSOA; E: no area
    }
)


def event(event_id, event_type, when, location, flags=None, *, category=None):
    return {
        "event_id": event_id,
        "event_type": event_type,
        "occurred_at": dt.datetime.fromisoformat(when),
        "location_id": location,
        "flags": flags,
        "category": category,
    }


EVENTS = pd.DataFrame(
    [
        event("1", "CALL", "2024-02-01T10:00", "A", category="Concern for safety"),
        event("2", "CALL", "2024-02-03T22:00", "A", "DA;ALCOHOL", category="Domestic incident"),
        event("3", "INCIDENT", "2024-02-10T01:00", "A", "da", category="Domestic incident"),  # flags ignore case
        event("4", "MISSING", "2024-02-11T09:00", "B", category="Missing child"),
        event("5", "CALL", "2024-02-28T23:59", "C", "DRUGS", category="Concern for safety"),  # DRUGS is not DA
        event("6", "CALL", "2024-03-01T00:00", "A"),  # after the period
        event("7", "CALL", "2024-01-31T23:59", "A"),  # before it
        event("8", "CALL", "2024-02-05T10:00", "D", "DA"),  # outside the force
        event("9", "CALL", "2024-02-05T10:00", "E"),  # no area
        event("10", "CALL", "2024-02-05T10:00", None),  # no location
    ]
)


@pytest.fixture
def tables(con, tmp_path):
    # Microsecond timestamps, as the records store writes them (Spark cannot read pandas' nanoseconds).
    EVENTS.to_parquet(tmp_path / "events.parquet", index=False, coerce_timestamps="us")
    LOCATIONS.to_parquet(tmp_path / "locations.parquet", index=False)
    return (
        con.read_parquet(str(tmp_path / "events.parquet"), table_name="test_events"),
        con.read_parquet(str(tmp_path / "locations.parquet"), table_name="test_locations"),
    )


def test_calls_domestic_abuse_missing_and_repeat_locations_by_area(con, tables):
    events, locations = tables
    counted = aggregate.force_event_counts(
        events, locations, aggregate.lookup_table(LOOKUP), first_month="2024-02", last_month="2024-02"
    )
    assert to_sorted_records(con, counted) == [
        # A has three events in February: one repeat location.
        {"area_code": "W1", "calls": 2, "domestic_abuse": 2, "missing": 1, "force_events": 4, "repeat_locations": 1},
        {"area_code": "W2", "calls": 1, "domestic_abuse": 0, "missing": 0, "force_events": 1, "repeat_locations": 0},
    ]


def test_events_by_type_and_the_forces_own_category(con, tables):
    events, locations = tables
    counted = aggregate.force_event_categories(
        events, locations, aggregate.lookup_table(LOOKUP), first_month="2024-02", last_month="2024-02"
    )
    assert to_sorted_records(con, counted) == [
        {"area_code": "W1", "event_type": "CALL", "category": "Concern for safety", "events": 1},
        {"area_code": "W1", "event_type": "CALL", "category": "Domestic incident", "events": 1},
        {"area_code": "W1", "event_type": "INCIDENT", "category": "Domestic incident", "events": 1},
        {"area_code": "W1", "event_type": "MISSING", "category": "Missing child", "events": 1},
        {"area_code": "W2", "event_type": "CALL", "category": "Concern for safety", "events": 1},
    ]


def test_an_event_with_no_category_counts_as_not_recorded(con, tmp_path):
    pd.DataFrame([event("1", "CALL", "2024-02-01T10:00", "A"), event("2", "CALL", "2024-02-02T10:00", "A")]).astype(
        {"category": "string"}
    ).to_parquet(tmp_path / "uncategorised.parquet", index=False, coerce_timestamps="us")
    LOCATIONS.to_parquet(tmp_path / "places.parquet", index=False)
    events = con.read_parquet(str(tmp_path / "uncategorised.parquet"), table_name="test_uncategorised")
    locations = con.read_parquet(str(tmp_path / "places.parquet"), table_name="test_places")
    counted = aggregate.force_event_categories(
        events, locations, aggregate.lookup_table(LOOKUP), first_month="2024-02", last_month="2024-02"
    )
    assert to_sorted_records(con, counted) == [
        {"area_code": "W1", "event_type": "CALL", "category": "not recorded", "events": 2}
    ]
