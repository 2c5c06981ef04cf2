# ruff: noqa: PD003, PD004 - these are Ibis expressions, whose null tests are isnull/notnull, not pandas
"""Standardisation of person records: pure functions on Ibis tables, giving one answer on DuckDB and Spark.

Only operations both engines implement the same way are used: lower/upper, trim, regex replace with plain
patterns (RE2 and Java agree on them), translate, substr, casts. Soundex is built from translate so it
does not depend on an engine's own (DuckDB has none; Spark's differs on H and W).
"""

from __future__ import annotations

import csv
from importlib import resources

import ibis
import ibis.expr.types as ir
import pandas as pd

TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "rev", "sir", "dame", "prof", "master")

# Street words written more than one way; the long form is kept.
ADDRESS_WORDS = (
    ("rd", "road"),
    ("st", "street"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("ln", "lane"),
    ("cres", "crescent"),
    ("dr", "drive"),
    ("gr", "grove"),
    ("pl", "place"),
    ("sq", "square"),
    ("ct", "court"),
    ("apartment", "flat"),
    ("apt", "flat"),
)


def nicknames_frame() -> pd.DataFrame:
    """Returns the nickname table shipped with Upstream: one canonical name per nickname (lower case)."""
    path = resources.files("upstream_analytics") / "data" / "nicknames.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    frame = pd.DataFrame(rows)
    # A nickname of several names (Sam: Samuel, Samantha) maps to the first in alphabetical order, so the
    # mapping is stable; sex and date of birth tell such records apart.
    return (
        frame.sort_values(["nickname", "name"])
        .drop_duplicates("nickname")
        .rename(columns={"nickname": "name_key", "name": "canonical"})[["name_key", "canonical"]]
        .reset_index(drop=True)
    )


def clean_name(value: ir.StringValue) -> ir.StringValue:
    """Returns a name in lower case without titles, punctuation or spaces ("Mr O'Brien-Smith" -> "obriensmith")."""
    lowered = value.lower().strip()
    titles = "|".join(TITLES)
    no_title = lowered.re_replace(rf"^({titles})\.?\s+", "")
    letters = no_title.re_replace(r"[^a-z]", "")
    return ibis.ifelse(letters == "", ibis.null(), letters)


def first_token(value: ir.StringValue) -> ir.StringValue:
    """Returns the first word of a name after its title ("Mr John Paul" -> "john")."""
    lowered = value.lower().strip()
    titles = "|".join(TITLES)
    no_title = lowered.re_replace(rf"^({titles})\.?\s+", "").re_replace(r"['’]", "")
    # No back-references: Java writes them $1 and RE2 \1, so the word is cut out by two plain deletions.
    letters = no_title.re_replace(r"^[^a-z]+", "").re_replace(r"[^a-z].*$", "")
    return ibis.ifelse(letters == "", ibis.null(), letters)


def soundex(value: ir.StringValue) -> ir.StringValue:
    """Returns the Soundex-style code of a cleaned name (first letter and three digits), the same on both engines."""
    head = value.substr(0, 1).upper()
    tail = value.substr(1)
    # Letters map to their Soundex digit; vowels and h, w, y become '0' so they still split repeats.
    coded = tail.translate("aeiouyhwbfpvcgjkqsxzdtlmnr", "00000000111122222222334556")
    for digit in "123456":
        coded = coded.re_replace(f"{digit}+", digit)
    digits = coded.re_replace("0", "")
    padded = (digits + "000").substr(0, 3)
    return ibis.ifelse(value.isnull(), ibis.null(), head + padded)


def normalise_postcode(value: ir.StringValue) -> ir.StringValue:
    """Returns a UK postcode in upper case with one space before the inward code ("ls65hq" -> "LS6 5HQ")."""
    compact = value.upper().re_replace(r"[^A-Z0-9]", "")
    length = compact.length()
    spaced = compact.substr(0, length - 3) + " " + compact.substr(length - 3)
    return ibis.ifelse(length >= 5, spaced, ibis.null())  # noqa: PLR2004 - the shortest postcode has five characters


def normalise_address(value: ir.StringValue) -> ir.StringValue:
    """Returns an address line in lower case, punctuation as spaces, street words spelt out."""
    # Padded with spaces so a whole word is " word " (no back-references, which the engines write apart).
    text = " " + value.lower().re_replace(r"[^a-z0-9]+", " ").strip() + " "
    for short, long in ADDRESS_WORDS:
        text = text.re_replace(f" {short} ", f" {long} ")
    text = text.re_replace(" +", " ").strip()
    return ibis.ifelse(text == "", ibis.null(), text)


def standardise_dob(people: ir.Table) -> dict[str, ir.Value]:
    """Returns the date-of-birth columns: full date text, year, month, day, precision."""
    dob = people.date_of_birth.strip()
    shape_full = dob.re_search(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    shape_month = dob.re_search(r"^[0-9]{4}-[0-9]{2}$")
    shape_year = dob.re_search(r"^[0-9]{4}$")
    year = ibis.ifelse(shape_full | shape_month | shape_year, dob.substr(0, 4).cast("int32"), ibis.null())
    month = ibis.ifelse(shape_full | shape_month, dob.substr(5, 2).cast("int32"), ibis.null())
    day = ibis.ifelse(shape_full, dob.substr(8, 2).cast("int32"), ibis.null())
    precision = ibis.cases((shape_full, "day"), (shape_month, "month"), (shape_year, "year"), else_=ibis.null())
    return {
        "dob_full": ibis.ifelse(shape_full, dob, ibis.null()),
        "dob_year": year,
        "dob_month": month,
        "dob_day": day,
        "dob_precision": precision,
    }


def standardise_sex(value: ir.StringValue) -> ir.StringValue:
    """Returns M, F or X; U (unknown) and anything else become null, so they count as missing."""
    upper = value.upper().strip()
    return ibis.ifelse(upper.isin(["M", "F", "X"]), upper, ibis.null())


def normalise_phone(value: ir.StringValue) -> ir.StringValue:
    """Returns a UK telephone number as its digits in national form ("+44 7700 900123" -> "07700900123")."""
    digits = value.re_replace(r"[^0-9]", "")
    no_prefix = ibis.ifelse(digits.startswith("00"), digits.substr(2), digits)
    # "+44 (0)113 …" keeps the trunk 0 after the country code: one leading 0 is the national form.
    national = ibis.ifelse(no_prefix.startswith("44"), "0" + no_prefix.substr(2), no_prefix).re_replace("^00", "0")
    return ibis.ifelse(national.length() >= 10, national, ibis.null())  # noqa: PLR2004 - a UK number has 10 or 11 digits


def ethnicity_group(code: ir.StringValue) -> ir.StringValue:
    """Returns the broad group of a self-defined (18+1) or officer-defined (IC1-IC6) ethnicity code.

    A person's records may carry either kind, so agreement on the group is evidence too; IC9 and unknown codes
    count as missing.
    """
    return ibis.cases(
        (code.isin(["IC1", "IC2"]) | code.startswith("W"), "white"),
        (code.isin(["IC4", "IC5"]) | code.startswith("A"), "asian"),
        ((code == "IC3") | code.startswith("B"), "black"),
        (code.startswith("M"), "mixed"),
        ((code == "IC6") | code.startswith("O"), "other"),
        else_=ibis.null(),
    )


def place_key(locations: ir.Table) -> ir.StringValue:
    """Returns the key of the place an address resolves to: its UPRN, else the normalised address and postcode."""
    uprn = locations.uprn.strip()
    address = normalise_address(locations.address_line)
    postcode = normalise_postcode(locations.postcode)
    fallback = ibis.ifelse(address.notnull() & postcode.notnull(), "addr:" + address + "|" + postcode, ibis.null())
    return ibis.ifelse(uprn.notnull() & (uprn != ""), "uprn:" + uprn, fallback)


def standardise_locations(locations: ir.Table) -> ir.Table:
    """Returns locations with their normalised postcode, address and place key."""
    locations = _as_text(locations, ("location_id", "uprn", "address_line", "postcode"))
    return locations.select(
        "location_id",
        postcode_std=normalise_postcode(locations.postcode),
        address_std=normalise_address(locations.address_line),
        place_key=place_key(locations),
    )


def standardise_people(people: ir.Table, locations: ir.Table, nicknames: ir.Table) -> ir.Table:
    """Returns person records standardised for linkage, with their blocking keys."""
    return blocking_keys(standardise_names_dates_places(people, locations, nicknames))


def standardise_names_dates_places(people: ir.Table, locations: ir.Table, nicknames: ir.Table) -> ir.Table:
    """Returns person records standardised for linkage: names, nickname-free forename, dob parts, sex, address."""
    # Telephone and ethnicity are optional in the spec: a table without them compares them as missing.
    absent = {c: ibis.null("string") for c in ("phone", "ethnicity") if c not in people.columns}
    if absent:
        people = people.mutate(**absent)
    people = _as_text(
        people,
        (
            "person_id",
            "forename",
            "middle_names",
            "surname",
            "date_of_birth",
            "sex",
            "pnc_id",
            "address_location_id",
            "phone",
            "ethnicity",
        ),
    )
    ethnicity = people.ethnicity.upper().strip()
    forename = first_token(people.forename)
    surname = clean_name(people.surname)
    base = people.select(
        person_id=people.person_id,
        forename_std=forename,
        surname_std=surname,
        middle_std=first_token(people.middle_names),
        sex_std=standardise_sex(people.sex),
        pnc_std=people.pnc_id.upper().re_replace(r"[^0-9A-Z/]", ""),
        phone_std=normalise_phone(people.phone),
        ethnicity_std=ibis.ifelse(ethnicity_group(ethnicity).notnull(), ethnicity, ibis.null()),
        ethnicity_group=ethnicity_group(ethnicity),
        address_location_id=people.address_location_id,
        **standardise_dob(people),
    )
    base = base.mutate(pnc_std=ibis.ifelse(base.pnc_std == "", ibis.null(), base.pnc_std))
    nick = nicknames.select(name_key=nicknames.name_key, canonical=nicknames.canonical)
    joined = base.left_join(nick, base.forename_std == nick.name_key).select(
        *[base[c] for c in base.columns], nick.canonical
    )
    joined = joined.mutate(forename_canonical=joined.canonical.fill_null(joined.forename_std)).drop("canonical")
    locs = standardise_locations(locations)
    return joined.left_join(locs, joined.address_location_id == locs.location_id).select(
        *[joined[c] for c in joined.columns], locs.postcode_std, locs.address_std, locs.place_key
    )


def blocking_keys(records: ir.Table) -> ir.Table:
    """Returns standardised records with the keys blocking rules join on: Soundex of names, postcode district."""
    return records.mutate(
        surname_soundex=soundex(records.surname_std),
        forename_soundex=soundex(records.forename_canonical),
        postcode_outward=records.postcode_std.re_replace(r" .*$", ""),
    )


def _as_text(table: ir.Table, columns: tuple[str, ...]) -> ir.Table:
    """Returns the table with the named columns as text (an all-blank column may arrive untyped)."""
    return table.mutate(**{c: table[c].cast("string") for c in columns})


STANDARD_COLUMNS = (
    "person_id",
    "forename_std",
    "surname_std",
    "middle_std",
    "sex_std",
    "pnc_std",
    "phone_std",
    "ethnicity_std",
    "ethnicity_group",
    "address_location_id",
    "dob_full",
    "dob_year",
    "dob_month",
    "dob_day",
    "dob_precision",
    "forename_canonical",
    "postcode_std",
    "address_std",
    "place_key",
    "surname_soundex",
    "forename_soundex",
    "postcode_outward",
)
