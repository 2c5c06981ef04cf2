"""Standardisation gives the hand-made golden answers, the same on DuckDB and Spark."""

from __future__ import annotations

import ibis
import pandas as pd

from upstream_analytics.engine import to_sorted_records
from upstream_analytics.linkage import standardise

PEOPLE = pd.DataFrame(
    {
        "person_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "forename": ["Mr Robert", "BOB", "liz", " Mary-Jane ", None, "O'Neil"],
        "middle_names": ["James Paul", None, "Ann", None, None, None],
        "surname": ["O'Brien", "Smith-Jones", "  WATSON ", "mc donald", "Kaur", None],
        "date_of_birth": ["1980-03-07", "1980-03", "1975", None, "19-01-01", "2001-12-31"],
        "sex": ["M", "m", "U", "F", "X", None],
        "pnc_id": ["99/123456x", None, "", None, None, None],
        "address_location_id": ["L1", "L2", "L3", None, "L9", "L1"],
    }
)
LOCATIONS = pd.DataFrame(
    {
        "location_id": ["L1", "L2", "L3"],
        "uprn": ["100023336956", None, ""],
        "address_line": ["Flat 2, 10 High St.", "4 Church Rd", "The Old Mill, Mill Ln"],
        "postcode": ["ls6 5hq", "BD15AB", " wf1  2xy "],
    }
)

GOLDEN = [
    # person, forename, canonical, surname, middle, sex, pnc, dob_full, y, m, d, precision, postcode, address,
    # place_key, surname_soundex
    (
        "P1",
        "robert",
        "robert",
        "obrien",
        "james",
        "M",
        "99/123456X",
        "1980-03-07",
        1980,
        3,
        7,
        "day",
        "LS6 5HQ",
        "flat 2 10 high street",
        "uprn:100023336956",
        "O165",
    ),
    (
        "P2",
        "bob",
        "robert",
        "smithjones",
        None,
        "M",
        None,
        None,
        1980,
        3,
        None,
        "month",
        "BD1 5AB",
        "4 church road",
        "addr:4 church road|BD1 5AB",
        "S532",
    ),
    (
        "P3",
        "liz",
        "elizabeth",
        "watson",
        "ann",
        None,
        None,
        None,
        1975,
        None,
        None,
        "year",
        "WF1 2XY",
        "the old mill mill lane",
        "addr:the old mill mill lane|WF1 2XY",
        "W325",
    ),
    ("P4", "mary", "mary", "mcdonald", None, "F", None, None, None, None, None, None, None, None, None, "M235"),
    ("P5", None, None, "kaur", None, "X", None, None, None, None, None, None, None, None, None, "K600"),
    (
        "P6",
        "oneil",
        "oneil",
        None,
        None,
        None,
        None,
        "2001-12-31",
        2001,
        12,
        31,
        "day",
        "LS6 5HQ",
        "flat 2 10 high street",
        "uprn:100023336956",
        None,
    ),
]
COLUMNS = [
    "person_id", "forename_std", "forename_canonical", "surname_std", "middle_std", "sex_std", "pnc_std",
    "dob_full", "dob_year", "dob_month", "dob_day", "dob_precision", "postcode_std", "address_std", "place_key",
    "surname_soundex",
]  # fmt: skip


def test_standardisation_matches_the_golden_fixture_on_each_engine(con):
    people = ibis.memtable(PEOPLE)
    locations = ibis.memtable(LOCATIONS)
    nicknames = ibis.memtable(standardise.nicknames_frame())
    table = standardise.standardise_people(people, locations, nicknames).select(*COLUMNS)
    expected = [dict(zip(COLUMNS, row, strict=True)) for row in GOLDEN]
    got = to_sorted_records(con, table)
    for row in got:
        for key in ("dob_year", "dob_month", "dob_day"):
            row[key] = None if row[key] is None else int(row[key])
    assert got == expected


def test_soundex_codes_names_that_sound_alike_the_same(duckdb_con):
    names = ibis.memtable({"name": ["robert", "rupert", "smith", "smyth", "allen", "alan"]})
    out = duckdb_con.execute(names.mutate(code=standardise.soundex(names.name)))
    codes = dict(zip(out["name"], out["code"], strict=True))
    assert codes["robert"] == codes["rupert"] == "R163"
    assert codes["smith"] == codes["smyth"]
    assert codes["allen"] == codes["alan"]


def test_nickname_table_maps_each_nickname_to_one_name():
    frame = standardise.nicknames_frame()
    assert frame["name_key"].is_unique
    lookup = dict(zip(frame["name_key"], frame["canonical"], strict=True))
    assert lookup["bob"] == "robert"
    assert lookup["liz"] == "elizabeth"
    assert lookup["bill"] == "william"


def test_telephone_and_ethnicity_are_standardised_alike_on_each_engine(con):
    people = ibis.memtable(
        PEOPLE.iloc[:5].assign(
            phone=["+44 7700 900123", "07700-900123", "0044 (0)113 496 0000", "12345", None],
            ethnicity=["w1", "IC1", " B2 ", "IC9", None],
        )
    )
    locations = ibis.memtable(LOCATIONS)
    nicknames = ibis.memtable(standardise.nicknames_frame())
    table = standardise.standardise_people(people, locations, nicknames).select(
        "person_id", "phone_std", "ethnicity_std", "ethnicity_group"
    )
    assert to_sorted_records(con, table) == [
        {"person_id": "P1", "phone_std": "07700900123", "ethnicity_std": "W1", "ethnicity_group": "white"},
        {"person_id": "P2", "phone_std": "07700900123", "ethnicity_std": "IC1", "ethnicity_group": "white"},
        {"person_id": "P3", "phone_std": "01134960000", "ethnicity_std": "B2", "ethnicity_group": "black"},
        # Too short to be a number; IC9 is "not stated": both compare as missing.
        {"person_id": "P4", "phone_std": None, "ethnicity_std": None, "ethnicity_group": None},
        {"person_id": "P5", "phone_std": None, "ethnicity_std": None, "ethnicity_group": None},
    ]
