"""Households: the hand-made golden fixture gives the same rows on DuckDB and Spark."""

from __future__ import annotations

import ibis
import pandas as pd

from upstream_analytics.engine import to_sorted_records
from upstream_analytics.linkage import households, standardise

RESOLVED = pd.DataFrame(
    {
        "person_id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"],
        "resolved_person_id": ["R1", "R1", "R3", "R4", "R5", "R6", "R7", "R8"],
    }
)
PEOPLE = pd.DataFrame(
    {
        "person_id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"],
        "address_location_id": ["L1", "L3", "L2", "L4", None, None, "L2", None],
    }
)
# L1 and L2 share a UPRN (one flat, two location records); L3 and L4 are one address written two ways.
LOCATIONS = pd.DataFrame(
    {
        "location_id": ["L1", "L2", "L3", "L4"],
        "uprn": ["111", "111", None, ""],
        "address_line": ["1 High St", "Flat 1, 1 High Street", "4 Church Rd", "4, church road"],
        "postcode": ["LS6 5HQ", "LS6 5HQ", "BD1 5AB", "bd15ab"],
    }
)
EVENTS = pd.DataFrame(
    {
        "event_id": ["E1", "E2", "E3", "E4", "E5"],
        "occurred_at": pd.to_datetime(
            ["2020-01-10 10:00", "2020-06-01 23:30", "2015-01-01 00:10", "2015-03-01 12:00", "2022-01-01 08:00"]
        ),
    }
)
INVOLVEMENTS = pd.DataFrame(
    {
        "event_id": ["E1", "E2", "E3", "E4", "E5", "E2"],
        "person_id": ["P1", "P3", "P7", "P7", "P2", "P8"],
        "role": ["VICTIM", "VICTIM", "SUBJECT", "SUBJECT", "REPORTER", "CHILD_PRESENT"],
        "relationship": [None, None, None, None, None, "CHILD"],
    }
)
RELATIONSHIPS = pd.DataFrame({"person_id_a": ["P3"], "person_id_b": ["P6"], "relationship": ["PARENT_OF"]})

FLAT = "uprn:111"
HOUSE = "addr:4 church road|BD1 5AB"
GOLDEN = sorted(
    [
        # An earlier occupant, years before: a household of their own.
        ("R7", f"{FLAT}#1", "2015-01-01", "2015-03-01"),
        # Two people whose stays come within a year of each other: one household.
        ("R1", f"{FLAT}#2", "2020-01-10", "2020-01-10"),
        ("R3", f"{FLAT}#2", "2020-06-01", "2020-06-01"),
        # No address of their own: joined through a PARENT_OF relationship and a CHILD involvement.
        ("R6", f"{FLAT}#2", "2020-06-01", "2020-06-01"),
        ("R8", f"{FLAT}#2", "2020-06-01", "2020-06-01"),
        # R1 moved; R4's record has no dated event, so their stay is open and overlaps R1's.
        ("R1", f"{HOUSE}#1", "2022-01-01", "2022-01-01"),
        ("R4", f"{HOUSE}#1", None, None),
    ],
    key=lambda r: (r[0], r[1], r[2] or "", r[3] or ""),
)


def test_households_match_the_golden_fixture_on_each_engine(con):
    table = households.build_households(
        ibis.memtable(RESOLVED),
        ibis.memtable(PEOPLE),
        standardise.standardise_locations(ibis.memtable(LOCATIONS)),
        ibis.memtable(INVOLVEMENTS),
        ibis.memtable(EVENTS),
        ibis.memtable(RELATIONSHIPS),
    )
    got = [tuple(r.values()) for r in to_sorted_records(con, table)]
    assert sorted(got, key=lambda r: (r[0], r[1], r[2] or "", r[3] or "")) == GOLDEN


def test_a_person_with_no_address_and_no_family_has_no_household(duckdb_con):
    table = households.build_households(
        ibis.memtable(RESOLVED),
        ibis.memtable(PEOPLE),
        standardise.standardise_locations(ibis.memtable(LOCATIONS)),
        ibis.memtable(INVOLVEMENTS),
        ibis.memtable(EVENTS),
        ibis.memtable(RELATIONSHIPS),
    )
    assert "R5" not in set(duckdb_con.execute(table)["resolved_person_id"])
