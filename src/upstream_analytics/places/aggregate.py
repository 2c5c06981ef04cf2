"""The aggregations behind every places analysis, as Ibis expressions: the same answer on DuckDB and Spark.

Crimes are placed in areas through a lookup from LSOA code to the area analysed (the LSOA itself, or the
ward that holds it). A crime with no LSOA is *unlocated*; one whose LSOA is not in the force's areas is
*outside*; both are counted apart and never silently dropped.
"""

from __future__ import annotations

import ibis
import pandas as pd
from ibis import _

from upstream_analytics.places.policeuk import ASB

LOCATED = "located"
UNLOCATED = "unlocated"
OUTSIDE = "outside"


def lookup_table(pairs: pd.DataFrame) -> ibis.Table:
    """Returns an LSOA -> area lookup (columns lsoa_code, area_code) as an Ibis table any engine can join."""
    frame = pairs[["lsoa_code", "area_code"]].astype(str).drop_duplicates("lsoa_code")
    return ibis.memtable(frame.rename(columns={"lsoa_code": "lookup_lsoa"}))


def areas_table(codes: list[str]) -> ibis.Table:
    """Returns the areas analysed (one column, area_code) as an Ibis table."""
    return ibis.memtable(pd.DataFrame({"area_code": sorted(set(codes))}, dtype=str))


def crimes_in_period(crimes: ibis.Table, *, force_key: str, first_month: str, last_month: str) -> ibis.Table:
    """Returns the crimes that fall within one force in the months first..last (inclusive, YYYY-MM)."""
    return crimes.filter((crimes.force_key == force_key) & (crimes.month >= first_month) & (crimes.month <= last_month))


def place_crimes(crimes: ibis.Table, lookup: ibis.Table) -> ibis.Table:
    """Returns the crimes with area_code, placement (located/unlocated/outside) and is_asb added."""
    joined = crimes.left_join(lookup, crimes.lsoa_code == lookup.lookup_lsoa)
    return joined.select(
        month=_.month,
        crime_type=_.crime_type,
        lsoa_code=_.lsoa_code,
        longitude=_.longitude,
        latitude=_.latitude,
        area_code=_.area_code,
        is_asb=_.crime_type == ASB,
        placement=ibis.cases(
            # Ibis columns have isnull() only (the pandas rule PD003 does not apply).
            (_.lsoa_code.isnull(), UNLOCATED),  # noqa: PD003
            (_.area_code.isnull(), OUTSIDE),  # noqa: PD003
            else_=LOCATED,
        ),
    )


def incident_counts(placed: ibis.Table) -> ibis.Table:
    """Returns (placement, area_code, crime_type, incidents): one pass that every profile figure comes from."""
    return placed.group_by(["placement", "area_code", "crime_type"]).aggregate(incidents=_.count().cast("int64"))


def placement_counts(placed: ibis.Table) -> ibis.Table:
    """Returns how many crimes and ASB incidents were located, unlocated or outside the force's areas."""
    return placed.group_by("placement").aggregate(
        crimes=(~_.is_asb).sum().cast("int64"),
        asb=_.is_asb.sum().cast("int64"),
    )


def counts_by_area_and_type(placed: ibis.Table) -> ibis.Table:
    """Returns (area_code, crime_type, incidents) for located incidents, ASB included as its own type."""
    located = placed.filter(placed.placement == LOCATED)
    return located.group_by(["area_code", "crime_type"]).aggregate(incidents=_.count().cast("int64"))


def area_totals(placed: ibis.Table, areas: ibis.Table) -> ibis.Table:
    """Returns every area with its crimes (ASB excluded) and ASB incidents, 0 where there were none."""
    located = placed.filter(placed.placement == LOCATED)
    counts = located.group_by("area_code").aggregate(
        crimes=(~_.is_asb).sum().cast("int64"),
        asb=_.is_asb.sum().cast("int64"),
    )
    counts = counts.rename(counted_area="area_code")
    joined = areas.left_join(counts, areas.area_code == counts.counted_area)
    return joined.select(
        area_code=_.area_code,
        crimes=_.crimes.fill_null(0).cast("int64"),
        asb=_.asb.fill_null(0).cast("int64"),
    )


def monthly_counts(placed: ibis.Table) -> ibis.Table:
    """Returns (area_code, month, crimes) for located crimes, ASB excluded, months with none left out."""
    located = placed.filter((placed.placement == LOCATED) & ~placed.is_asb)
    return located.group_by(["area_code", "month"]).aggregate(crimes=_.count().cast("int64"))


def months_present(crimes: ibis.Table, *, force_key: str) -> ibis.Table:
    """Returns the months for which any crime of the force is stored, so gaps are not read as zero crime."""
    return crimes.filter(crimes.force_key == force_key).select("month").distinct()


def point_counts(placed: ibis.Table) -> ibis.Table:
    """Returns (longitude, latitude, crimes) for located crimes, ASB excluded: police.uk's snap points, few."""
    located = placed.filter((placed.placement == LOCATED) & ~placed.is_asb & placed.longitude.notnull())  # noqa: PD004
    return located.group_by(["longitude", "latitude"]).aggregate(crimes=_.count().cast("int64"))


REPEAT_LOCATION_EVENTS = 3  # a location with this many events or more in the period is a repeat location


def force_event_counts(
    events: ibis.Table, locations: ibis.Table, lookup: ibis.Table, *, first_month: str, last_month: str
) -> ibis.Table:
    """Returns (area_code, calls, domestic_abuse, missing, force_events, repeat_locations) from the records store.

    Events are placed by their location's area code (an LSOA) through the same lookup as crimes; events with no
    location, or in an LSOA not among the force's, are left out. Calls are CALL events, missing episodes MISSING
    events, domestic abuse any event flagged DA; a repeat location is one with three or more events in the period.
    """
    joined = _placed_events(events, locations, lookup, first_month=first_month, last_month=last_month)
    flags = ibis.literal(";") + joined.flags.fill_null("").upper() + ibis.literal(";")
    per_area = joined.group_by("area_code").aggregate(
        calls=(joined.event_type == "CALL").cast("int64").sum(),
        domestic_abuse=flags.contains(";DA;").cast("int64").sum(),
        missing=(joined.event_type == "MISSING").cast("int64").sum(),
        force_events=_.count().cast("int64"),
    )
    per_location = joined.group_by(["area_code", "event_location"]).aggregate(events=_.count())
    repeats = (
        per_location.filter(per_location.events >= REPEAT_LOCATION_EVENTS)
        .group_by("area_code")
        .aggregate(repeat_locations=_.count().cast("int64"))
        .rename(repeat_area="area_code")
    )
    out = per_area.left_join(repeats, per_area.area_code == repeats.repeat_area)
    return out.select(
        "area_code",
        "calls",
        "domestic_abuse",
        "missing",
        "force_events",
        repeat_locations=out.repeat_locations.fill_null(0).cast("int64"),
    )


NO_CATEGORY = "not recorded"


def _placed_events(
    events: ibis.Table, locations: ibis.Table, lookup: ibis.Table, *, first_month: str, last_month: str
) -> ibis.Table:
    """Returns the events of the period joined to their location and the area holding its LSOA."""
    month = events.occurred_at.strftime("%Y-%m")
    in_period = events.mutate(month=month).filter((month >= first_month) & (month <= last_month))
    places = locations.select(event_location=locations.location_id, lsoa=locations.area_code)
    return in_period.join(places, in_period.location_id == places.event_location).join(
        lookup, _.lsoa == lookup.lookup_lsoa
    )


def force_event_categories(
    events: ibis.Table, locations: ibis.Table, lookup: ibis.Table, *, first_month: str, last_month: str
) -> ibis.Table:
    """Returns (area_code, event_type, category, events): the force's events by type and its own category.

    Placed as ``force_event_counts`` places them; an event with no category counts as "not recorded".
    """
    joined = _placed_events(events, locations, lookup, first_month=first_month, last_month=last_month)
    categorised = joined.mutate(category=joined.category.cast("string").fill_null(NO_CATEGORY))
    return categorised.group_by(["area_code", "event_type", "category"]).aggregate(events=_.count().cast("int64"))
