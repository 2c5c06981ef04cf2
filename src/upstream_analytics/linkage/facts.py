"""A resolved person's facts, voted from their records: date of birth, sex, ethnicity and area.

Linkage groups records; these functions say what the group's records agree on. `upstream records link`
writes them for everyone as person_facts.parquet beside people_resolved.csv, so every later run (the
triggers above all) reads one row per person instead of voting again over every record. The triggers vote
for themselves, with the same functions, when a link run predates the file.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

FILE = "person_facts.parquet"
COLUMNS = ("resolved_person_id", "date_of_birth", "dob_ymd", "sex", "ethnicity", "area_code")

_FULL_DATE, _YEAR_MONTH, _YEAR = 10, 7, 4  # lengths of YYYY-MM-DD, YYYY-MM and YYYY
_COUNT_WIDTH = 10  # digits of a count in a sortable key; no person holds 10¹⁰ records
_YMD_WIDTH = 8  # digits of a date as YYYYMMDD


def _descending(count: ir.IntegerValue) -> ir.StringValue:
    """Returns a count as fixed-width text that sorts the largest first ("0000000005" for 9,999,999,994)."""
    return (ibis.literal(10**_COUNT_WIDTH - 1, "int64") - count).cast("string").lpad(_COUNT_WIDTH, "0")


def person_records(people: ir.Table, resolved: ir.Table) -> ir.Table:
    """Returns every person record with its resolved person: the columns the person facts are voted from."""
    rec = people.select("person_id", "date_of_birth", "sex", "ethnicity", "address_location_id")
    return rec.join(resolved.select("person_id", "resolved_person_id"), "person_id")


def dates_of_birth(records: ir.Table) -> ir.Table:
    """Returns (resolved_person_id, date_of_birth, dob_ymd) for every resolved person with a date of birth.

    The fullest date most of their records agree on; a partial one is read as the first day of its month or
    year. A person with no date of birth has no row (the rules read a missing row as an unknown date).
    """
    dob = records.date_of_birth.cast("string")
    full = ibis.cases(
        (dob.length() == _FULL_DATE, dob),
        (dob.length() == _YEAR_MONTH, dob + "-01"),
        (dob.length() == _YEAR, dob + "-01-01"),
        else_=ibis.null("string"),
    )
    rec = records.select(
        "resolved_person_id", dob_text=full, dob_precision=ibis.ifelse(dob.length() == _FULL_DATE, 0, 1)
    )
    dated = rec.filter(rec.dob_text.notnull())
    counts = dated.group_by("resolved_person_id", "dob_text", "dob_precision").aggregate(n=ibis._.count())
    # The first by (precision, most records, the date itself) is the smallest of one whole-number key,
    # precision · 10¹⁸ + (10¹⁰ − 1 − records) · 10⁸ + YYYYMMDD: a group-by minimum instead of a window rank,
    # which is several times cheaper on millions of records (no person holds 10¹⁰ records).
    ymd = counts.dob_text.replace("-", "").cast("int64")
    key = (
        counts.dob_precision.cast("int64") * 10**18
        + (ibis.literal(10**_COUNT_WIDTH - 1, "int64") - counts.n) * 10**_YMD_WIDTH
        + ymd
    )
    best = counts.group_by("resolved_person_id").aggregate(date_of_birth=counts.dob_text.argmin(key), _key=key.min())
    return best.select("resolved_person_id", "date_of_birth", dob_ymd=best._key % 10**_YMD_WIDTH)


def with_votes(dated: ir.Table, records: ir.Table, locations: ir.Table) -> ir.Table:
    """Returns `dated` (rows of :func:`dates_of_birth`) with each person's sex, ethnicity and area beside it.

    Each is the value most of the person's records give (ties: the smallest); the area is that of the
    records' addresses. Only the people in `dated` are voted for.
    """
    rec = records.semi_join(dated.select("resolved_person_id"), "resolved_person_id")
    areas = rec.join(locations.select("location_id", "area_code"), rec.address_location_id == locations.location_id)
    facts = dated
    for column, table in (("sex", rec), ("ethnicity", rec), ("area_code", areas)):
        valued = table.filter(table[column].notnull() & (table[column].cast("string") != ""))
        n = valued.group_by("resolved_person_id", column).aggregate(n=ibis._.count())
        top = n.group_by("resolved_person_id").aggregate(_key=(_descending(n.n) + n[column].cast("string")).min())
        top = top.select("resolved_person_id", **{column: top._key.substr(_COUNT_WIDTH)})
        facts = facts.left_join(top, "resolved_person_id").select(facts, top[column])
    return facts.select(*COLUMNS)


def person_facts(people: ir.Table, resolved: ir.Table, locations: ir.Table) -> ir.Table:
    """Returns the facts (:data:`COLUMNS`) of every resolved person with a date of birth."""
    records = person_records(people, resolved)
    return with_votes(dates_of_birth(records), records, locations)


def write(con: BaseBackend, table: ir.Table, out: Path) -> Path:
    """Computes the facts on the engine and writes them as out/person_facts.parquet; returns its path."""
    path = out / FILE
    pq.write_table(con.to_pyarrow(table.select(*COLUMNS).order_by("resolved_person_id")), path)
    return path
