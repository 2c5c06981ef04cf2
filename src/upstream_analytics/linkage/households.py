"""Households: the people resolved to one place over overlapping dates, plus the family links the source asserts.

Pure Ibis, so DuckDB and Spark give the same rows. A person's stay at a place runs from the first to the last
event in which one of their records at that address took part; a record with no events says the person lived
there at an unknown time, which overlaps every stay. Stays at one place that overlap (or come within a year
of each other) form one household
(gaps and islands with window functions); a later, separate group of occupants is another household.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

FAMILY_RELATIONSHIPS = ("PARENT_OF", "PARTNER_OF", "SIBLING_OF", "CARER_OF")
FAMILY_INVOLVEMENT = ("PARTNER", "PARENT", "CHILD", "SIBLING", "OTHER_FAMILY", "CARER")

_EARLY = "0001-01-01"
_LATE = "9000-01-01"  # far enough, and room to add the gap without overflowing a date
GAP_DAYS = 365


def stays(resolved: ir.Table, people: ir.Table, places: ir.Table, involvements: ir.Table, events: ir.Table) -> ir.Table:
    """Returns (resolved_person_id, place_key, from, to) for every place a person's records give as home."""
    homes = people.select("person_id", "address_location_id").join(
        places.select("location_id", "place_key"), people.address_location_id == places.location_id
    )
    homes = homes.filter(homes.place_key.notnull()).select("person_id", "place_key")
    dated = involvements.select("event_id", "person_id").join(
        events.select("event_id", day=events.occurred_at.cast("date")), "event_id"
    )
    per_record = dated.group_by("person_id").aggregate(first_day=dated.day.min(), last_day=dated.day.max())
    joined = homes.left_join(per_record, "person_id").select(
        homes.person_id, homes.place_key, per_record.first_day, per_record.last_day
    )
    joined = joined.join(resolved, "person_id").select("resolved_person_id", "place_key", "first_day", "last_day")
    # A record with no dated event leaves the stay open at that end.
    with_open = joined.mutate(
        start=joined.first_day.fill_null(ibis.date(_EARLY)), end=joined.last_day.fill_null(ibis.date(_LATE))
    )
    return with_open.group_by("resolved_person_id", "place_key").aggregate(
        start=with_open.start.min(), end=with_open.end.max()
    )


def households_from_stays(stay: ir.Table, gap_days: int = GAP_DAYS) -> ir.Table:
    """Returns (resolved_person_id, household_id, from, to): overlapping stays at one place are one household.

    Stays are known only from the events that record them, so two people of one home seldom have events on
    the same days; stays closer than `gap_days` count as overlapping.
    """
    order = ibis.window(
        group_by=stay.place_key, order_by=[stay.start, stay.end, stay.resolved_person_id], rows=(None, -1)
    )
    reach = stay.end.max().over(order)  # the latest end among the stays that began before this one
    flagged = stay.mutate(
        new_island=ibis.ifelse(reach.isnull() | (stay.start > reach + ibis.interval(days=gap_days)), 1, 0)
    )
    running = ibis.window(
        group_by=flagged.place_key,
        order_by=[flagged.start, flagged.end, flagged.resolved_person_id],
        rows=(None, 0),
    )
    numbered = flagged.mutate(island=flagged.new_island.sum().over(running))
    island = numbered.group_by("place_key", "island").aggregate(
        island_start=numbered.start.min(), island_end=numbered.end.max()
    )
    out = numbered.join(island, ["place_key", "island"])
    return out.select(
        resolved_person_id=out.resolved_person_id,
        household_id=out.place_key + "#" + out.island.cast("string"),
        **{
            "from": ibis.ifelse(out.start == ibis.date(_EARLY), ibis.null(), out.start.cast("string")),
            "to": ibis.ifelse(out.end == ibis.date(_LATE), ibis.null(), out.end.cast("string")),
        },
    )


def family_links(resolved: ir.Table, relationships: ir.Table, involvements: ir.Table) -> ir.Table:
    """Returns (resolved_a, resolved_b) family pairs, both directions, from relationships and involvements."""
    rel = relationships.filter(relationships.relationship.isin(FAMILY_RELATIONSHIPS))
    left = resolved.select(left_person=resolved.person_id, a=resolved.resolved_person_id)
    right = resolved.select(right_person=resolved.person_id, b=resolved.resolved_person_id)
    asserted = (
        rel.select(left_person=rel.person_id_a, right_person=rel.person_id_b)
        .join(left, "left_person")
        .join(right, "right_person")
        .select("a", "b")
    )
    # An involvement's relationship is to the victim (or subject) of the same event.
    kin = involvements.filter(involvements.relationship.isin(FAMILY_INVOLVEMENT)).select(
        "event_id", left_person="person_id"
    )
    anchor = involvements.filter(involvements.role.isin(["VICTIM", "SUBJECT"])).select(
        "event_id", right_person="person_id"
    )
    seen = kin.join(anchor, "event_id").select("left_person", "right_person")
    seen = seen.join(left, "left_person").join(right, "right_person").select("a", "b")
    both = asserted.union(seen)
    both = both.union(both.select(a=both.b, b=both.a))
    return both.filter(both.a != both.b).distinct()


def build_households(  # noqa: PLR0917 - the five store tables a household is built from, in the spec's order
    resolved: ir.Table,
    people: ir.Table,
    places: ir.Table,
    involvements: ir.Table,
    events: ir.Table,
    relationships: ir.Table,
) -> ir.Table:
    """Returns households.csv rows: address households, and family members with no address joined to them."""
    by_place = households_from_stays(stays(resolved, people, places, involvements, events))
    homed = by_place.select("resolved_person_id").distinct()
    links = family_links(resolved, relationships, involvements)
    homeless = resolved.select("resolved_person_id").distinct().anti_join(homed, "resolved_person_id")
    joined = links.join(homeless, links.a == homeless.resolved_person_id).join(
        by_place, links.b == by_place.resolved_person_id
    )
    added = joined.select(
        resolved_person_id=joined.a,
        household_id=joined.household_id,
        **{"from": joined["from"], "to": joined["to"]},
    )
    return by_place.union(added).distinct()
