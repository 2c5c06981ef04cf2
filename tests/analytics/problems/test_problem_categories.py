"""A plan counts only its kind of problem: the offence mapping, the records filter and real police.uk crimes.

The Home Office offence code to police.uk lookup and the police.uk street-level file are read from
/work/shared/data/policeuk (see its SOURCE.md), never copied.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import os
import re
from collections import Counter
from pathlib import Path

import ibis
import pandas as pd
import pytest

from upstream_analytics.places.policeuk import read_street_csv
from upstream_analytics.places.store import CrimeStore
from upstream_analytics.problems import categories, measure
from upstream_analytics.problems.measure import Period

POLICEUK = Path(os.environ.get("UPSTREAM_SHARED_DATA", "/work/shared/data")) / "policeuk"
LOOKUP = POLICEUK / "HO_offence_code_to_policeuk_category.csv"
STREET = POLICEUK / "2017-07-west-yorkshire-street.csv.gz"
JULY = Period(dt.date(2017, 7, 1), dt.date(2017, 7, 31))
AUGUST = Period(dt.date(2017, 8, 1), dt.date(2017, 8, 31))
# The problem types of upstream.problems.models.ProblemType (that module is Django's; this test is not).
PROBLEM_TYPES = (
    "asb",
    "youth_disorder",
    "drugs",
    "burglary",
    "vehicle_crime",
    "criminal_damage",
    "violence",
    "shoplifting",
    "road_safety",
    "other",
)


def lookup_rows() -> list[tuple[str, str]]:
    """Returns (offence code, police.uk type) for every code of the published lookup ("1/4.1/..." split)."""
    with LOOKUP.open(encoding="utf-8") as handle:
        return [
            (code.strip(), row["Police.uk_Cat"].strip())
            for row in csv.DictReader(handle)
            for code in row["Offence_Code"].split("/")
        ]


def test_the_offence_mapping_agrees_with_the_home_office_lookup():
    rows = lookup_rows()
    assert len(rows) >= 132
    wrong = [(code, cat, categories.policeuk_category(code)) for code, cat in rows]
    wrong = [w for w in wrong if (w[2] or "").lower() != w[1].lower()]
    assert wrong == []
    assert categories.policeuk_category(" 28e ") == categories.BURGLARY
    assert categories.policeuk_category("") is None


@pytest.mark.parametrize("category", sorted({cat.lower() for _code, cat in lookup_rows()}))
def test_the_ibis_filter_picks_the_same_codes_as_the_mapping(con, category):
    rows = lookup_rows()
    name = {c.lower(): c for c in (*categories._BY_NUMBER.values(), categories.OTHER_CRIME)}[category]
    table = ibis.memtable(pd.DataFrame({"code": [code.upper() for code, _cat in rows]}))
    picked = con.execute(table.filter(categories.offence_in(table.code, (name,))))
    expected = sorted(code.upper() for code, cat in rows if cat.lower() == category)
    assert sorted(picked["code"]) == expected


def test_every_problem_type_has_a_scope_or_counts_everything():
    assert set(categories.SCOPES) == set(PROBLEM_TYPES) - {"other"}
    assert categories.scope_for("other") is None
    known = {c.lower() for c in categories._BY_NUMBER.values()} | {"anti-social behaviour", "other crime"}
    for scope in categories.SCOPES.values():
        assert {t.lower() for t in scope.policeuk_types} <= known, scope.problem_type
        # The patterns are built from these unescaped, so they must be plain words.
        assert all(re.fullmatch(r"[a-z][a-z -]*[a-z]", k) for k in scope.keywords), scope.problem_type
        assert all(re.fullmatch(r"[A-Z_]+", f) for f in (*scope.flags, *scope.exclude_flags)), scope.problem_type


EVENTS = [
    # id, type, category, offence code, flags
    ("B1", "CRIME", "Crime", "28E", None),  # burglary by its code
    ("B2", "CALL", "Burglary in progress", None, None),  # burglary named
    ("B3", "CRIME", "Burglary", None, None),  # a crime with no code: its category decides
    ("B4", "CRIME", "Burglary", "49", None),  # the code decides over the category: other theft
    ("A1", "CALL", "ASB nuisance", None, None),
    ("A2", "INCIDENT", "Glasbury Road concern", None, None),  # "asb" inside a word is not ASB
    ("D1", "INCIDENT", "Concern for welfare", None, "ALCOHOL; DRUGS"),  # flagged drugs
    ("D2", "CRIME", "Crime", "92A", None),
    ("D3", "CRIME", "Crime", "8N", "DRUGS"),  # an assault flagged drugs is not a drugs offence
    ("V1", "CRIME", "Crime", "8N", "DA"),  # domestic: not violence in a public place
    ("V2", "CRIME", "Crime", "105A", None),
    ("V3", "CALL", "Fight outside the Crown", None, ""),
    ("R1", "CRIME", "Crime", "802", None),  # dangerous driving
    ("R2", "CALL", "RTC", None, None),
]


@pytest.fixture
def events(con):
    frame = pd.DataFrame(
        {
            "event_id": [e[0] for e in EVENTS],
            "event_type": [e[1] for e in EVENTS],
            "category": [e[2] for e in EVENTS],
            "offence_code": [e[3] for e in EVENTS],
            "flags": [e[4] for e in EVENTS],
        }
    )
    return ibis.memtable(frame)


@pytest.mark.parametrize(
    ("problem_type", "expected"),
    [
        ("burglary", ["B1", "B2", "B3"]),
        ("asb", ["A1"]),
        ("drugs", ["D1", "D2"]),
        ("violence", ["D3", "V2", "V3"]),
        ("road_safety", ["R1", "R2"]),
        ("shoplifting", []),
    ],
)
def test_records_events_of_the_plans_kind(con, events, problem_type, expected):
    scope = categories.scope_for(problem_type)
    picked = con.execute(events.filter(categories.records_match(events, scope)))
    assert sorted(picked["event_id"]) == expected


def test_a_store_without_the_optional_columns_counts_nothing_by_kind(con):
    bare = ibis.memtable(pd.DataFrame({"event_id": ["X1"], "event_type": ["CALL"]}))
    assert con.execute(bare.filter(categories.records_match(bare, categories.SCOPES["burglary"]))).empty


# --- real police.uk crimes: West Yorkshire, July 2017 ---------------------------------------------------


def street_rows() -> list[dict[str, str]]:
    with gzip.open(STREET, "rt", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_real_police_uk_crimes_are_counted_by_the_plans_kind(con, tmp_path):
    read = read_street_csv(STREET)
    assert read.frame is not None
    CrimeStore(tmp_path).replace({("west-yorkshire", "2017-07"): read.frame})
    crimes = measure.policeuk_crimes(con, tmp_path)
    rows = street_rows()
    # Leeds city centre (MSOA "Leeds 111", five LSOAs): counted by hand from the file with csv.
    lsoas = sorted({r["LSOA code"] for r in rows if r["LSOA name"].startswith("Leeds 111")})
    assert len(lsoas) == 5
    by_type = Counter(r["Crime type"] for r in rows if r["LSOA code"] in lsoas)
    assert (by_type["Burglary"], sum(by_type.values())) == (21, 911)

    def count(problem_type):
        scope = categories.scope_for(problem_type)
        counted = measure.policeuk_period_counts(crimes, lsoa_codes=lsoas, before=JULY, after=AUGUST, scope=scope)
        return measure.as_counts(con, counted)["before"]

    assert count("burglary") == {"Burglary": 21}
    assert count("other") == dict(by_type)
    assert count("youth_disorder") == {"Anti-social behaviour": 112, "Public order": 57}
    assert count("violence") == {
        "Violence and sexual offences": by_type["Violence and sexual offences"],
        "Robbery": by_type["Robbery"],
        "Possession of weapons": by_type["Possession of weapons"],
    }
    assert count("road_safety") == {}
    # Across the whole force, every kind's count is the file's own count of its types.
    every = sorted({r["LSOA code"] for r in rows if r["LSOA code"]})
    counted = measure.policeuk_period_counts(
        crimes, lsoa_codes=every, before=JULY, after=AUGUST, scope=categories.scope_for("vehicle_crime")
    )
    located = Counter(r["Crime type"] for r in rows if r["LSOA code"])
    assert measure.as_counts(con, counted)["before"] == {"Vehicle crime": located["Vehicle crime"]}
    assert pd.Series(located).sum() > located["Vehicle crime"]
