"""Repeat and frequent demand: repeat victims, frequent callers, frequent missing people, repeat locations.

Pure functions on Ibis tables, the same on DuckDB and Spark. Periods such as "five calls in a month" are
rolling: any run of that many days (a range window over the day number), not calendar months.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from upstream_analytics.triggers.rules import Window, _child_on_day, _has_any, _within
from upstream_analytics.triggers.ruleset import RuleSet

_NO = ibis.literal(value=False)


def _rolling_count(rows: ir.Table, days: int) -> ir.Table:
    """Returns rows with `n_recent`: how many of the person's rows fall in the `days` days ending on each one."""
    span = ibis.window(group_by=rows.resolved_person_id, order_by=rows.day_n, range=(-(days - 1), 0))
    return rows.mutate(n_recent=rows.event_id.count().over(span))


def repeat_victim_events(inv_all: ir.Table, rules: RuleSet, window: Window) -> ir.Table:
    """Returns (resolved_person_id, crime_type, event_id, day, is_repeat) for every victim with a repeat.

    A repeat is a crime of the same type against the same person within the set number of days (365) of the
    one before; domestic-abuse crimes and incidents form one type, "DA", whatever their offence code.
    """
    cfg = rules.rule("repeat_victims")
    days = int(cfg["within_days"])
    inv = _within(inv_all, window)
    victims = inv.filter(inv.role == "VICTIM")
    crimes = victims.filter(victims.event_type.isin(rules.codes(cfg["event_types"])) & victims.offence_code.notnull())
    typed = crimes.select("resolved_person_id", "event_id", "day", "day_n", crime_type=crimes.offence_code)
    da = victims.filter(_has_any(victims.flags, rules.codes(cfg["domestic_abuse_flags"])))
    typed = typed.union(da.select("resolved_person_id", "event_id", "day", "day_n", crime_type=ibis.literal("DA")))
    typed = typed.distinct()
    order = ibis.window(group_by=[typed.resolved_person_id, typed.crime_type], order_by=[typed.day_n, typed.event_id])
    prev = typed.day_n.lag().over(order)
    marked = typed.mutate(is_repeat=(prev.notnull() & ((typed.day_n - prev) <= days)).fill_null(_NO))
    repeaters = marked.filter(marked.is_repeat).select("resolved_person_id", "crime_type").distinct()
    out = marked.semi_join(repeaters, ["resolved_person_id", "crime_type"])
    return out.select(
        "resolved_person_id", "crime_type", "event_id", day=out.day.cast("string"), is_repeat=out.is_repeat
    )


def frequent_caller_hits(inv_all: ir.Table, facts: ir.Table, rules: RuleSet, window: Window) -> ir.Table:
    """Returns (resolved_person_id, rule, peak_calls) for every caller who meets a frequent-caller rule.

    A call is a CALL event the person reported; a rule is N calls within D days, and a rule marked for
    children counts only calls made while the caller was under the child age.
    """
    inv = _within(inv_all, window)
    calls = inv.filter((inv.event_type == "CALL") & (inv.role == "REPORTER"))
    calls = calls.select("resolved_person_id", "event_id", "day_n", "day_ymd").distinct()
    out: list[ir.Table] = []
    for spec in rules.rule("frequent_callers")["rules"]:
        n, days, children = int(spec["calls"]), int(spec["days"]), bool(spec.get("children", False))
        rows = _child_on_day(calls, facts, "resolved_person_id", rules) if children else calls
        counted = _rolling_count(rows, days)
        peak = counted.group_by("resolved_person_id").aggregate(peak_calls=counted.n_recent.max())
        label = f"{n}+ in {days} days" + (" (under 18)" if children else "")
        out.append(peak.filter(peak.peak_calls >= n).mutate(rule=ibis.literal(label)))
    result = out[0]
    for part in out[1:]:
        result = result.union(part)
    return result.select("resolved_person_id", "rule", peak_calls=result.peak_calls.cast("int64"))


def call_counts(inv_all: ir.Table, window: Window) -> ir.Table:
    """Returns (resolved_person_id, calls, first_day, last_day): each caller's calls in the window."""
    inv = _within(inv_all, window)
    calls = inv.filter((inv.event_type == "CALL") & (inv.role == "REPORTER"))
    calls = calls.select("resolved_person_id", "event_id", "day").distinct()
    return calls.group_by("resolved_person_id").aggregate(
        calls=calls.event_id.count(), first_day=calls.day.min().cast("string"), last_day=calls.day.max().cast("string")
    )


def frequent_missing_events(inv_all: ir.Table, rules: RuleSet, window: Window) -> ir.Table:
    """Returns (resolved_person_id, event_id, day) of every person reported missing N times within D days."""
    cfg = rules.rule("frequent_missing")
    inv = _within(inv_all, window)
    rows = inv.filter((inv.event_type == "MISSING") & (inv.role == "MISSING_PERSON"))
    rows = rows.select("resolved_person_id", "event_id", "day", "day_n").distinct()
    counted = _rolling_count(rows, int(cfg["days"]))
    frequent = counted.filter(counted.n_recent >= int(cfg["episodes"])).select("resolved_person_id").distinct()
    out = rows.semi_join(frequent, "resolved_person_id")
    return out.select("resolved_person_id", "event_id", day=out.day.cast("string"))


def location_counts(events: ir.Table, places: ir.Table, window: Window) -> ir.Table:
    """Returns (place_key, address_line, postcode, area_code, events, location_ids) per place with events.

    `places` is the linkage's standardised locations (location_id, place_key …): one address held under
    several location ids counts once.
    """
    ev = events.mutate(day=events.occurred_at.cast("date"))
    ev = ev.filter((ev.day > ibis.date(window.start)) & (ev.day <= ibis.date(window.as_of)) & ev.location_id.notnull())
    p = places.select("location_id", "place_key", "address_line", "postcode", "area_code")
    joined = ev.join(p, "location_id")
    joined = joined.filter(joined.place_key.notnull())
    return joined.group_by("place_key").aggregate(
        address_line=joined.address_line.min(),
        postcode=joined.postcode.min(),
        area_code=joined.area_code.min(),
        events=joined.event_id.nunique(),
        location_ids=joined.location_id.nunique(),
    )
