"""The places aggregations give the same, hand-checked answer on DuckDB and on Spark."""

from __future__ import annotations

import pandas as pd
import pytest
from places_fixtures import crime, store_crimes

from upstream_analytics.engine import to_sorted_records
from upstream_analytics.places import aggregate

# DuckDB 2 warns through Ibis 12 about a renamed Arrow method; it is theirs, not ours.

ASB = "Anti-social behaviour"
ROWS = [
    crime("2024-01", "L1"),
    crime("2024-01", "L1", "Drugs"),
    crime("2024-01", "L1", ASB),
    crime("2024-02", "L1"),
    crime("2024-02", "L2", "Robbery"),
    crime("2024-02", "L3", ASB),  # L3 is in ward W2
    crime("2024-02", None),  # no location: unlocated
    crime("2024-02", None, ASB),
    crime("2024-02", "E01999999"),  # an LSOA of another force: outside
    crime("2024-03", "L2"),  # after the period
    crime("2024-02", "L2", force="Other Police"),  # another force's crime
]
LOOKUP = pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4"], "area_code": ["W1", "W1", "W2", "W3"]})


@pytest.fixture
def placed(con, tmp_path):
    store = store_crimes(tmp_path, ROWS)
    crimes = store.table(con)
    period = aggregate.crimes_in_period(crimes, force_key="west-yorkshire", first_month="2024-01", last_month="2024-02")
    return aggregate.place_crimes(period, aggregate.lookup_table(LOOKUP))


def test_crimes_are_placed_in_areas_or_counted_apart(con, placed):
    assert to_sorted_records(con, aggregate.placement_counts(placed)) == [
        {"placement": "located", "crimes": 4, "asb": 2},
        {"placement": "outside", "crimes": 1, "asb": 0},
        {"placement": "unlocated", "crimes": 1, "asb": 1},
    ]


def test_area_totals_include_areas_with_none(con, placed):
    areas = aggregate.areas_table(["W1", "W2", "W3"])
    assert to_sorted_records(con, aggregate.area_totals(placed, areas)) == [
        {"area_code": "W1", "crimes": 4, "asb": 1},
        {"area_code": "W2", "crimes": 0, "asb": 1},
        {"area_code": "W3", "crimes": 0, "asb": 0},
    ]


def test_counts_by_area_and_type(con, placed):
    assert to_sorted_records(con, aggregate.counts_by_area_and_type(placed)) == [
        {"area_code": "W1", "crime_type": ASB, "incidents": 1},
        {"area_code": "W1", "crime_type": "Burglary", "incidents": 2},
        {"area_code": "W1", "crime_type": "Drugs", "incidents": 1},
        {"area_code": "W1", "crime_type": "Robbery", "incidents": 1},
        {"area_code": "W2", "crime_type": ASB, "incidents": 1},
    ]


def test_monthly_counts_leave_out_asb(con, placed):
    assert to_sorted_records(con, aggregate.monthly_counts(placed)) == [
        {"area_code": "W1", "month": "2024-01", "crimes": 2},
        {"area_code": "W1", "month": "2024-02", "crimes": 2},
    ]


def test_months_present_are_the_forces_own(con, tmp_path):
    store = store_crimes(tmp_path, ROWS)
    months = aggregate.months_present(store.table(con), force_key="west-yorkshire")
    assert to_sorted_records(con, months) == [{"month": "2024-01"}, {"month": "2024-02"}, {"month": "2024-03"}]


def test_the_one_pass_counts_agree_with_the_separate_aggregations(con, placed):
    from upstream_analytics.places.pipeline import split_counts

    by_type, totals, placement = split_counts(con.execute(aggregate.incident_counts(placed)), ["W1", "W2", "W3"])
    separate_by_type = to_sorted_records(con, aggregate.counts_by_area_and_type(placed))
    assert sorted(by_type.to_dict(orient="records"), key=lambda r: (r["area_code"], r["crime_type"])) == (
        separate_by_type
    )
    assert totals.to_dict(orient="records") == to_sorted_records(
        con, aggregate.area_totals(placed, aggregate.areas_table(["W1", "W2", "W3"]))
    )
    assert placement.reset_index().rename(columns={"index": "placement"}).to_dict(orient="records") == (
        to_sorted_records(con, aggregate.placement_counts(placed))
    )


def test_point_counts_group_located_crimes_by_snap_point(con, placed):
    assert to_sorted_records(con, aggregate.point_counts(placed)) == [
        {"longitude": -1.5, "latitude": 53.8, "crimes": 4}
    ]
