"""A hand-made household with every edge case the trigger rules must get right, as of 2025-12-31.

Household H1: mother M, her partner P, an adult sibling SIB (born 2004, not a parent), C1 (born 2015, two
person records), C2 (turns 18 on 2025-06-01, inside the window), BABY (born 2025-01-01, after some events),
and father F who moved out in 2022. The window is 2024-01-01 to 2025-12-31 (E02 is one day outside it).
"""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pyarrow as pa

from upstream_analytics.triggers.pipeline import Inputs

AS_OF = dt.date(2025, 12, 31)

PEOPLE = [
    # person_id, dob, sex, ethnicity, address
    ("p_m", "1985-01-01", "F", "W1", "L1"),
    ("p_p", "1980-01-01", "M", "W1", "L1"),
    ("p_f", "1983-01-01", "M", "W1", "L9"),
    ("p_sib", "2004-01-01", "M", "W1", "L1"),
    ("p_c1a", "2015-05-05", "M", "W1", "L1"),
    ("p_c1b", "2015-05", "M", None, "L1"),
    ("p_c2", "2007-06-01", "F", "B1", "L1"),
    ("p_baby", "2025-01-01", "F", None, "L1"),
    ("p_s", "1990-01-01", "M", None, "L2"),
    ("p_v1", "1970-01-01", "F", None, "L2"),
    ("p_caller", "1960-01-01", "F", None, "L3"),
    ("p_caller2", "1961-01-01", "M", None, "L3"),
    ("p_teen", "2010-01-01", "F", "A1", "L4"),
    ("p_k", "2009-01-01", "M", "A1", "L4"),
]
RESOLVED = {"p_c1a": "R_C1", "p_c1b": "R_C1"}

HOUSEHOLDS = [
    # resolved_person_id, household_id, from, to
    ("R_M", "H1", None, None),
    ("R_P", "H1", "2023-01-01", None),
    ("R_F", "H1", "2015-01-01", "2022-06-01"),
    ("R_SIB", "H1", None, None),
    ("R_C1", "H1", None, None),
    ("R_C2", "H1", None, None),
    ("R_BABY", "H1", "2025-01-01", None),
]

# Each event: id, type, day, location, category, offence, flags, outcome, and its people.
EVENTS = [
    (
        "E01",
        "INCIDENT",
        "2024-02-01",
        "L1",
        "Domestic incident",
        None,
        "DA",
        None,
        [("p_m", "VICTIM", None), ("p_p", "SUSPECT", "PARTNER")],
    ),
    (
        "E02",
        "CRIME",
        "2023-12-31",
        "L1",
        "Domestic abuse crime",
        "8U",
        "DA",
        "NFA",
        [("p_m", "VICTIM", None), ("p_p", "SUSPECT", "PARTNER")],
    ),
    ("E03", "CRIME", "2024-03-01", "L2", "Drugs offence", "92A", "DRUGS", "CAUTION", [("p_sib", "SUSPECT", None)]),
    ("E04", "CUSTODY", "2024-05-01", "L5", "Custody", "8N", None, "IMPRISONED", [("p_f", "DETAINED", None)]),
    ("E05", "CUSTODY", "2025-03-01", "L5", "Custody", "28E", None, "REMANDED", [("p_m", "DETAINED", None)]),
    (
        "E06",
        "S136",
        "2025-08-01",
        "L2",
        "Section 136 detention",
        None,
        "MENTAL_HEALTH",
        None,
        [("p_m", "DETAINED", None)],
    ),
    ("E07", "INCIDENT", "2024-06-01", "L2", "Drunk and disorderly", None, "ALCOHOL", None, [("p_m", "SUBJECT", None)]),
    ("E08", "INCIDENT", "2025-04-01", "L1", "Disturbance", None, "ALCOHOL", None, [("p_m", "SUBJECT", None)]),
    (
        "E09",
        "CRIME",
        "2024-06-01",
        "L1",
        "Child cruelty",
        "11A",
        None,
        "CHARGED",
        [("p_c1a", "VICTIM", None), ("p_m", "SUSPECT", "PARENT")],
    ),
    (
        "E10",
        "CRIME",
        "2024-07-01",
        "L2",
        "Sexual offence",
        "17B",
        None,
        "RUI",
        [("p_c2", "VICTIM", None), ("p_s", "SUSPECT", "STRANGER")],
    ),
    (
        "E11",
        "CRIME",
        "2025-02-01",
        "L2",
        "Crime",
        "8N",
        None,
        "NFA",
        [("p_c1b", "VICTIM", None), ("p_s", "SUSPECT", "STRANGER")],
    ),
    ("E12", "MISSING", "2024-08-01", "L1", "Missing person", None, None, None, [("p_c1a", "MISSING_PERSON", None)]),
    ("E13", "MISSING", "2024-09-01", "L1", "Missing person", None, "CCE", None, [("p_c1b", "MISSING_PERSON", None)]),
    ("E14", "CRIME", "2025-05-01", "L2", "Drugs supply", "92A", "CCE;DRUGS", "NFA", [("p_c1a", "SUSPECT", None)]),
    (
        "E15",
        "CRIME",
        "2024-10-01",
        "L1",
        "Drugs warrant",
        "92A",
        "DRUGS",
        "CHARGED",
        [("p_m", "SUSPECT", None), ("p_c1a", "CHILD_PRESENT", "CHILD")],
    ),
    (
        "E20",
        "INCIDENT",
        "2024-11-01",
        "L1",
        "Domestic incident",
        None,
        "DA",
        None,
        [("p_m", "VICTIM", None), ("p_p", "SUSPECT", "PARTNER")],
    ),
    ("E21", "CRIME", "2024-01-10", "L2", "Crime", "49", None, "NFA", [("p_v1", "VICTIM", None)]),
    ("E22", "CRIME", "2024-12-01", "L2", "Crime", "49", None, "NFA", [("p_v1", "VICTIM", None)]),
    ("E23", "CRIME", "2024-01-01", "L2", "Crime", "28E", None, "NFA", [("p_v1", "VICTIM", None)]),
    ("E24", "CRIME", "2025-06-01", "L2", "Crime", "28E", None, "NFA", [("p_v1", "VICTIM", None)]),
    *[
        (f"EC{i}", "CALL", d, "L3", "Noise", None, None, None, [("p_caller", "REPORTER", None)])
        for i, d in enumerate(["2024-03-01", "2024-03-05", "2024-03-10", "2024-03-20", "2024-03-25"])
    ],
    *[
        (f"ED{i}", "CALL", d, "L3", "Noise", None, None, None, [("p_caller2", "REPORTER", None)])
        for i, d in enumerate(["2024-03-01", "2024-03-05", "2024-03-10", "2024-03-20", "2024-04-25"])
    ],
    *[
        (f"ET{i}", "CALL", d, "L4", "ASB", None, None, None, [("p_teen", "REPORTER", None)])
        for i, d in enumerate(["2024-01-15", "2024-03-01", "2024-06-10"])
    ],
    *[
        (f"EK{i}", "MISSING", d, "L4", "Missing person", None, None, None, [("p_k", "MISSING_PERSON", None)])
        for i, d in enumerate(["2025-01-01", "2025-05-01", "2025-12-30"])
    ],
]

LOCATIONS = [
    ("L1", "100000000001", "1 High Street", "HX1 1AA", "E01000001"),
    ("L2", None, "Town Centre", "HX1 2BB", "E01000002"),
    ("L3", "100000000003", "3 Low Road", "HX2 3CC", "E01000002"),
    ("L4", None, "4 Park Lane", "HX3 4DD", "E01000003"),
    ("L5", None, "Police Station", "HX1 5EE", "E01000001"),
    ("L9", None, "9 Far Away", "LS1 9ZZ", "E01000009"),
]
RELATIONSHIPS = [("p_f", "p_c1a", "PARENT_OF"), ("p_m", "p_c2", "PARENT_OF")]


def frames() -> dict[str, pd.DataFrame]:
    """Returns the fixture's store tables and linkage as frames."""
    return build_frames(
        people=PEOPLE,
        events=[e[:8] for e in EVENTS],
        involvements=[(e[0], p, r, rel) for e in EVENTS for p, r, rel in e[8]],
        locations=LOCATIONS,
        relationships=RELATIONSHIPS,
        households=HOUSEHOLDS,
        resolved=RESOLVED,
    )


def build_frames(
    *,
    people: list[tuple],
    events: list[tuple],
    involvements: list[tuple],
    locations: list[tuple],
    relationships: list[tuple],
    households: list[tuple],
    resolved: dict[str, str],
) -> dict[str, pd.DataFrame]:
    """Returns a hand-written extract's store tables and linkage as frames, in the importer's columns.

    people: (person_id, date of birth, sex, ethnicity, address); events: (id, type, day, location, category,
    offence code, flags, outcome); involvements: (event, person, role, relationship); locations: (id, uprn,
    address, postcode, area); a person not in `resolved` is resolved to "R_" and their id's upper-cased rest.
    """
    people_frame = pd.DataFrame(
        people, columns=["person_id", "date_of_birth", "sex", "ethnicity", "address_location_id"]
    )
    for col in ("forename", "middle_names", "surname", "pnc_id", "phone"):
        people_frame[col] = None
    events_frame = pd.DataFrame(
        events,
        columns=[
            "event_id",
            "event_type",
            "occurred_at",
            "location_id",
            "category",
            "offence_code",
            "flags",
            "outcome",
        ],
    )
    events_frame["occurred_at"] = pd.to_datetime(events_frame["occurred_at"]) + pd.Timedelta(hours=12)
    events_frame["grade"] = None
    events_frame["source_system"] = "RMS"
    locations_frame = pd.DataFrame(locations, columns=["location_id", "uprn", "address_line", "postcode", "area_code"])
    locations_frame["town"] = "Halifax"
    locations_frame["latitude"] = None
    locations_frame["longitude"] = None
    ids = people_frame["person_id"]
    return {
        "events": events_frame,
        "people": people_frame,
        "locations": locations_frame,
        "involvements": pd.DataFrame(involvements, columns=["event_id", "person_id", "role", "relationship"]),
        "relationships": pd.DataFrame(relationships, columns=["person_id_a", "person_id_b", "relationship"]),
        "resolved": pd.DataFrame(
            {"person_id": ids, "resolved_person_id": [resolved.get(p, "R_" + p[2:].upper()) for p in ids]}
        ),
        "households": pd.DataFrame(households, columns=["resolved_person_id", "household_id", "from", "to"]),
    }


def _arrow(frame: pd.DataFrame) -> pa.Table:
    fields = [
        (
            c,
            pa.timestamp("us")
            if c == "occurred_at"
            else pa.float64()
            if c in ("latitude", "longitude")
            else pa.string(),
        )
        for c in frame.columns
    ]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def inputs(con) -> Inputs:
    """Returns the fixture as tables on the given engine."""
    return as_inputs(con, frames(), prefix="fx")


def as_inputs(con, tables: dict[str, pd.DataFrame], *, prefix: str) -> Inputs:
    """Returns frames as the pipeline's inputs on the given engine (Spark gets them as named tables)."""
    found = {}
    for name, frame in tables.items():
        arrow = _arrow(frame)
        found[name] = (
            con.create_table(f"{prefix}_{name}", ibis.memtable(arrow), overwrite=True)
            if con.name == "pyspark"
            else ibis.memtable(arrow)
        )
    return Inputs(**found)
