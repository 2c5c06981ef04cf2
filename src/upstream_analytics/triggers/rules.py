"""The ACE triggers and prevention flags: pure functions on Ibis tables, the same answer on DuckDB and Spark.

Inputs are the records store's tables (events, people, involvements, relationships), the linkage's
people_resolved (person_id, resolved_person_id) and households (resolved_person_id, household_id, from, to).
Every rule returns evidence rows: (resolved_person_id of the child, kind 'ace' or 'flag', name, event_id,
day, code, member_id): the event behind the trigger and the household member involved, if any. Nothing
about an area or its deprivation enters any rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
from dateutil.relativedelta import relativedelta

from upstream_analytics.triggers.ruleset import RuleSet

_NEVER_LOW = -10_000_000  # epoch days far before and after any record, for open-ended stays
_NEVER_HIGH = 10_000_000
_NO = ibis.literal(value=False)
EVIDENCE_COLUMNS = ("resolved_person_id", "kind", "name", "event_id", "day", "code", "member_id")


Hold = Callable[[ir.Table, str], ir.Table]


def as_is(table: ir.Table, _name: str) -> ir.Table:
    """Returns the table unchanged: the rules' default, leaving materialisation to the caller."""
    return table


@dataclass(frozen=True)
class Window:
    """The look-back window: events after `start` (exclusive) up to and including `as_of`."""

    start: dt.date
    as_of: dt.date

    @classmethod
    def ending(cls, as_of: dt.date, months: int) -> Window:
        """Returns the window of `months` months ending on `as_of`."""
        return cls(as_of - relativedelta(months=months), as_of)


def _ymd(day: ir.DateValue) -> ir.IntegerValue:
    """Returns a date as the number YYYYMMDD, so ages compare the same way on every engine."""
    return day.year() * 10000 + day.month() * 100 + day.day()


def _has_any(flags: ir.StringValue, wanted: list[str]) -> ir.BooleanValue:
    """Returns whether a ';'-separated flags value holds any of the wanted flags."""
    if not wanted:
        return ibis.literal(value=False)
    padded = ";" + flags.fill_null("") + ";"
    result: ir.BooleanValue = ibis.literal(value=False)
    for flag in wanted:
        result = result | padded.contains(f";{flag};")
    return result


def _in(column: ir.Value, codes: list[str]) -> ir.BooleanValue:
    return column.isin(codes) if codes else ibis.literal(value=False)


def children_in_window(facts: ir.Table, rules: RuleSet, window: Window) -> ir.Table:
    """Returns the facts of people who were children at some time in the window.

    That is, born by its end and under the child age at its start: the only people any rule scores, and the
    disparity report's population.
    """
    start = window.start.year * 10000 + window.start.month * 100 + window.start.day
    end = window.as_of.year * 10000 + window.as_of.month * 100 + window.as_of.day
    dob = facts.dob_ymd
    return facts.filter(dob.notnull() & (dob <= end) & ((start - dob) < rules.number("child_age") * 10000))


def involvement_facts(events: ir.Table, involvements: ir.Table, resolved: ir.Table) -> ir.Table:
    """Returns every involvement with its resolved person and its event's day, codes, flags and outcome."""
    ev = events.select(
        "event_id",
        "event_type",
        "offence_code",
        "flags",
        "outcome",
        "category",
        "location_id",
        day=events.occurred_at.cast("date"),
    )
    ev = ev.mutate(day_n=ev.day.epoch_days().cast("int64"), day_ymd=_ymd(ev.day))
    inv = involvements.select("event_id", "person_id", "role", "relationship").join(resolved, "person_id")
    inv = inv.join(ev, "event_id")
    return inv.select(
        "event_id",
        "person_id",
        "resolved_person_id",
        "role",
        "relationship",
        "event_type",
        "offence_code",
        "flags",
        "outcome",
        "category",
        "location_id",
        "day",
        "day_n",
        "day_ymd",
    )


def _within(inv: ir.Table, window: Window) -> ir.Table:
    return inv.filter((inv.day > ibis.date(window.start)) & (inv.day <= ibis.date(window.as_of)))


def _child_on_day(rows: ir.Table, facts: ir.Table, who: str, rules: RuleSet) -> ir.Table:
    """Returns the rows whose person `who` was born by the event's day and under the child age on it."""
    f = facts.select(_cid="resolved_person_id", _cdob="dob_ymd")
    joined = rows.join(f, rows[who] == f._cid)
    age = joined.day_ymd - joined._cdob
    kept = joined.filter(joined._cdob.notnull() & (age >= 0) & (age < rules.number("child_age") * 10000))
    return kept.drop("_cid", "_cdob")


def household_pairs(
    households: ir.Table,
    rules: RuleSet,
    family: ir.Table | None = None,
    children: ir.Table | None = None,
    hold: Hold = as_is,
) -> ir.Table:
    """Returns (child, member, lo, hi): two people of one household and the days the member lived there.

    A stay's ends are the first and last events that record it, widened by the rule set's tolerance; an open
    end (no dated event) reaches any day. `family` (child, member) pairs the source names as parent and child
    (:func:`family_pairs`) are added, with no end, when the linkage never put the two in one household: a
    family's records often keep an old address after a move, or none at all, so their addresses disagree.
    A parent the linkage did place in the child's household keeps that stay (one who moved out stops counting).
    `children` (resolved_person_id), when given, limits the child side to those people: every rule asks for a
    child, so pairs whose "child" was an adult all through the window are never read (and at the 1M tier they
    are most of the pairs). `hold` materialises the linkage's pairs, which the named ones are checked against.
    """
    tol = rules.number("stay_tolerance_days")
    h = households.mutate(
        lo=households["from"].cast("date").epoch_days().cast("int64") - tol,
        hi=households["to"].cast("date").epoch_days().cast("int64") + tol,
    )
    h = h.mutate(lo=h.lo.fill_null(_NEVER_LOW), hi=h.hi.fill_null(_NEVER_HIGH))
    c = h.select(child="resolved_person_id", household_id="household_id")
    if children is not None:
        kids = children.select(child="resolved_person_id")
        c = c.semi_join(kids, "child")
        family = family.semi_join(kids, "child") if family is not None else None
    m = h.select(member="resolved_person_id", household_id="household_id", lo="lo", hi="hi")
    pairs = c.join(m, "household_id")
    pairs = pairs.filter(pairs.child != pairs.member)
    pairs = pairs.group_by("child", "member").aggregate(lo=pairs.lo.min(), hi=pairs.hi.max())
    if family is None:
        return pairs
    pairs = hold(pairs, "held_linked_pairs")  # read twice below
    named = family.select("child", "member").distinct().anti_join(pairs, ["child", "member"])
    named = named.mutate(lo=ibis.literal(_NEVER_LOW, "int64"), hi=ibis.literal(_NEVER_HIGH, "int64"))
    return pairs.union(named)


# Roles whose person an involvement's relationship is read against when an event has no victim or subject
# (a drugs warrant: the suspect, and their CHILD present).
_ANCHOR_ROLES = ("VICTIM", "SUBJECT")
_FALLBACK_ANCHOR_ROLES = ("SUSPECT", "OFFENDER", "ARRESTED", "DETAINED")


def resolved_relationships(relationships: ir.Table, resolved: ir.Table) -> ir.Table:
    """Returns the source's relationships (a, b, relationship) between resolved people, each pair once."""
    a = resolved.select(person_id_a="person_id", a="resolved_person_id")
    b = resolved.select(person_id_b="person_id", b="resolved_person_id")
    out = (
        relationships.select("person_id_a", "person_id_b", "relationship").join(a, "person_id_a").join(b, "person_id_b")
    )
    return out.select("a", "b", "relationship").distinct()


def family_pairs(rel: ir.Table, inv: ir.Table, involvements: ir.Table) -> ir.Table:
    """Returns (child, member) pairs the source names as child and parent or carer.

    From `rel` (:func:`resolved_relationships`: a PARENT_OF or CARER_OF b) and from `inv`
    (:func:`involvement_facts`): a PARENT or CARER of an event's victim or subject is that person's parent; a
    CHILD is that person's child. An event with neither a victim nor a subject (in the raw `involvements`) is
    read against its suspect or detained person (the spec's relationship is to the victim or the subject;
    without one, the person the event is about). Ages are not checked here: the rules test them.
    """
    asserted = rel.filter(rel.relationship.isin(["PARENT_OF", "CARER_OF"])).select(member="a", child="b")
    people = inv.select("event_id", "person_id", "resolved_person_id", "role", "relationship")
    primary = people.filter(people.role.isin(_ANCHOR_ROLES))
    has_primary = involvements.filter(involvements.role.isin(_ANCHOR_ROLES)).select("event_id").distinct()
    fallback = people.filter(people.role.isin(_FALLBACK_ANCHOR_ROLES)).anti_join(has_primary, "event_id")
    anchors = primary.union(fallback).select("event_id", anchor_p="person_id", anchor="resolved_person_id")
    kin = people.filter(people.relationship.isin(["PARENT", "CARER", "CHILD"])).select(
        "event_id", kin_p="person_id", kin="resolved_person_id", rel="relationship"
    )
    seen = kin.join(anchors, "event_id")
    seen = seen.filter(seen.kin_p != seen.anchor_p)
    is_child = seen.rel == "CHILD"
    from_events = seen.select(
        member=ibis.ifelse(is_child, seen.anchor, seen.kin), child=ibis.ifelse(is_child, seen.kin, seen.anchor)
    )
    out = asserted.union(from_events)
    return out.filter(out.child != out.member).distinct()


def asserted_parents(rel: ir.Table) -> ir.Table:
    """Returns (member, child) pairs the source asserts: PARENT_OF and CARER_OF links (`rel` as resolved)."""
    out = rel.filter(rel.relationship.isin(["PARENT_OF", "CARER_OF"])).select(member="a", child="b")
    return out.filter(out.member != out.child).distinct()


def partners(rel: ir.Table, inv: ir.Table) -> ir.Table:
    """Returns (a, b) partner pairs, both ways: PARTNER_OF links, and a PARTNER of an event's victim or subject."""
    asserted = rel.filter(rel.relationship == "PARTNER_OF").select("a", "b")
    partner = inv.filter(inv.relationship == "PARTNER").select("event_id", a="resolved_person_id")
    anchor = inv.filter(inv.role.isin(["VICTIM", "SUBJECT"])).select("event_id", b="resolved_person_id")
    both = asserted.union(partner.join(anchor, "event_id").select("a", "b"))
    both = both.union(both.select(a=both.b, b=both.a))
    return both.filter(both.a != both.b).distinct()


def carers(  # noqa: PLR0917 - the linkage's and the source's links; `pairs` is optional, so the old calls stand
    asserted: ir.Table,
    partner_pairs: ir.Table,
    households: ir.Table,
    facts: ir.Table,
    rules: RuleSet,
    pairs: ir.Table | None = None,
) -> ir.Table:
    """Returns (member, child): the source's parents and carers, and the partners of a child's parent.

    A parent's partner living in the household (a step-parent) is a carer whatever their age; a parent here
    is a household member the source calls a parent, or one old enough (the rule set's age gap) to be one.
    """
    if pairs is None:
        pairs = household_pairs(households, rules)
    aged = pairs if "member_dob" in pairs.columns else aged_pairs(pairs, facts)
    gap = rules.number("parent_min_age_gap_years") * 10000
    by_age = aged.filter(
        aged.member_dob.notnull() & aged.child_dob.notnull() & ((aged.child_dob - aged.member_dob) >= gap)
    )
    parent = by_age.select("member", "child").union(asserted.select("member", "child")).distinct()
    step = partner_pairs.join(parent, partner_pairs.b == parent.member).select(
        member=partner_pairs.a, child=parent.child
    )
    lived = pairs.select(_c2="child", _m2="member")
    step = step.join(lived, (step.member == lived._m2) & (step.child == lived._c2))
    out = asserted.select("member", "child").union(step.select("member", "child"))
    return out.filter(out.member != out.child).distinct()


def aged_pairs(pairs: ir.Table, facts: ir.Table) -> ir.Table:
    """Returns household pairs with both people's dates of birth as YYYYMMDD (null if unknown).

    Joined once (`member_dob`, `child_dob`), so each rule that asks about ages reads them from the pair.
    """
    mf = facts.select(_m="resolved_person_id", member_dob="dob_ymd")
    cf = facts.select(_c="resolved_person_id", child_dob="dob_ymd")
    aged = pairs.left_join(mf, pairs.member == mf._m).drop("_m")
    return aged.left_join(cf, aged.child == cf._c).drop("_c")


def _household_events(member_events: ir.Table, aged: ir.Table, parents: ir.Table, rules: RuleSet) -> ir.Table:
    """Returns member events joined to each child living with the member that day, with `is_parent`.

    `aged` is :func:`aged_pairs`: the child must be born and under the child age on the day.
    """
    joined = member_events.join(aged, member_events.resolved_person_id == aged.member)
    joined = joined.filter((joined.day_n >= joined.lo) & (joined.day_n <= joined.hi))
    age = joined.day_ymd - joined.child_dob
    joined = joined.filter(joined.child_dob.notnull() & (age >= 0) & (age < rules.number("child_age") * 10000))
    joined = joined.select(member_events, child=joined.child, _mdob=joined.member_dob, _kdob=joined.child_dob)
    flagged = parents.mutate(_asserted=ibis.literal(value=True))
    joined = joined.left_join(
        flagged, (joined.resolved_person_id == flagged.member) & (joined.child == flagged.child)
    ).drop("member", "child_right")
    gap = rules.number("parent_min_age_gap_years") * 10000
    adult = (joined.day_ymd - joined._mdob) >= rules.number("child_age") * 10000
    is_parent = (
        joined._asserted.fill_null(_NO) | joined._mdob.isnull() | (adult & ((joined._kdob - joined._mdob) >= gap))
    )
    return joined.mutate(is_parent=is_parent).drop("_mdob", "_kdob", "_asserted")


def _evidence(rows: ir.Table, child: str, kind: str, name: str, member: ir.Value | None = None) -> ir.Table:
    code = ibis.coalesce(rows.offence_code.nullif(""), rows.event_type)
    return rows.select(
        resolved_person_id=rows[child],
        kind=ibis.literal(kind),
        name=ibis.literal(name),
        event_id=rows.event_id,
        day=rows.day.cast("string"),
        code=code,
        member_id=member if member is not None else ibis.null("string"),
    )


def ace_evidence(  # noqa: PLR0917 - the store, linkage and rule inputs; one block per ACE
    inv_all: ir.Table,
    facts: ir.Table,
    households: ir.Table,
    parents: ir.Table,
    rules: RuleSet,
    window: Window,
    hold: Hold = as_is,
    pairs: ir.Table | None = None,
    children: ir.Table | None = None,
) -> ir.Table:
    """Returns the evidence rows of every ACE found for every child in the window.

    `hold` materialises an intermediate table on the engine (the default leaves it as an expression); the
    pipeline passes one, so the engines do not recompute the household join for every ACE. `facts` gives
    dates of birth (of household members too); `children`, when given, the facts of the window's children
    only (the same answer, a smaller join for the child's own events).
    """
    children = facts if children is None else children
    inv = _within(inv_all, window)
    if pairs is None:
        pairs = hold(household_pairs(households, rules), "held_pairs")
    if "member_dob" not in pairs.columns:
        pairs = hold(aged_pairs(pairs, facts), "held_aged_pairs")
    codes = rules.rule_codes
    da_flags = codes("aces", "domestic_abuse", "flags")
    involved = rules.codes("involved_roles")
    out: list[ir.Table] = []

    # Events of other household members that could make an ACE; narrowed first, so the join stays small.
    alcohol = rules.rule("aces", "parental_alcohol_misuse")
    alcohol_rows = inv.filter(
        _has_any(inv.flags, codes("aces", "parental_alcohol_misuse", "flags"))
        & _in(inv.role, codes("aces", "parental_alcohol_misuse", "roles"))
    )
    alcohol_rows = alcohol_rows.select("resolved_person_id", "event_id", "day_n").distinct()
    span = ibis.window(
        group_by=alcohol_rows.resolved_person_id,
        order_by=alcohol_rows.day_n,
        range=(-(int(alcohol["within_days"])), 0),
    )
    counted = alcohol_rows.mutate(n_recent=alcohol_rows.event_id.count().over(span))
    alcohol_hits = counted.filter(counted.n_recent >= int(alcohol["min_events"])).select(
        "resolved_person_id", "event_id", alcohol_hit=ibis.literal(value=True)
    )
    sep_events = inv.filter(_in(inv.relationship, codes("aces", "parental_separation", "relationships")))
    sep_events = sep_events.select("event_id", sep_hit=ibis.literal(value=True)).distinct()
    marked = inv.left_join(alcohol_hits, ["resolved_person_id", "event_id"]).drop(
        "resolved_person_id_right", "event_id_right"
    )
    marked = marked.left_join(sep_events, "event_id").drop("event_id_right")
    marked = marked.mutate(alcohol_hit=marked.alcohol_hit.fill_null(_NO), sep_hit=marked.sep_hit.fill_null(_NO))
    m = marked
    conds = {
        "domestic_abuse": _has_any(m.flags, da_flags) & _in(m.role, involved),
        "physical_abuse": _in(m.offence_code, codes("aces", "physical_abuse", "household_offences"))
        & _in(m.role, rules.codes("offender_roles")),
        "emotional_abuse": _in(m.offence_code, codes("aces", "emotional_abuse", "offences"))
        & (
            _has_any(m.flags, codes("aces", "emotional_abuse", "flags"))
            if codes("aces", "emotional_abuse", "flags")
            else True
        )
        & _in(m.role, involved),
        "parental_imprisonment": _in(m.outcome, codes("aces", "parental_imprisonment", "outcomes"))
        & _in(m.role, codes("aces", "parental_imprisonment", "roles")),
        "parental_drug_misuse": _in(m.offence_code, codes("aces", "parental_drug_misuse", "offences"))
        & _in(m.event_type, codes("aces", "parental_drug_misuse", "event_types"))
        & _in(m.role, codes("aces", "parental_drug_misuse", "roles")),
        "parental_alcohol_misuse": m.alcohol_hit,
        "parental_mental_health": (
            _in(m.event_type, codes("aces", "parental_mental_health", "event_types"))
            | _has_any(m.flags, codes("aces", "parental_mental_health", "flags"))
        )
        & _in(m.role, codes("aces", "parental_mental_health", "roles")),
        "parental_separation": m.sep_hit & _in(m.role, involved),
    }
    marked = marked.mutate(**{f"c_{k}": v for k, v in conds.items()})
    any_cond: ir.BooleanValue = ibis.literal(value=False)
    for key in conds:
        any_cond = any_cond | marked[f"c_{key}"]
    hh = hold(_household_events(marked.filter(any_cond), pairs, parents, rules), "held_household_events")
    member = hh.resolved_person_id
    # Domestic abuse and emotional abuse: any other member of the household; the rest: a parent or carer.
    out.append(_evidence(hh.filter(hh.c_domestic_abuse), "child", "ace", "domestic_abuse", member))
    out.append(_evidence(hh.filter(hh.c_emotional_abuse), "child", "ace", "emotional_abuse", member))
    for name in (
        "parental_imprisonment",
        "parental_drug_misuse",
        "parental_alcohol_misuse",
        "parental_mental_health",
        "parental_separation",
    ):
        out.append(_evidence(hh.filter(hh[f"c_{name}"] & hh.is_parent), "child", "ace", name, member))  # noqa: PERF401

    # The child's own events.
    child_rows = _child_on_day(inv, children, "resolved_person_id", rules)
    present = child_rows.filter((child_rows.role == "CHILD_PRESENT") & _has_any(child_rows.flags, da_flags))
    out.append(_evidence(present, "resolved_person_id", "ace", "domestic_abuse"))
    victim = child_rows.filter(child_rows.role == "VICTIM")
    out.append(
        _evidence(
            victim.filter(_in(victim.offence_code, codes("aces", "physical_abuse", "offences"))),
            "resolved_person_id",
            "ace",
            "physical_abuse",
        )
    )
    out.append(
        _evidence(
            victim.filter(_in(victim.offence_code, codes("aces", "sexual_abuse", "offences"))),
            "resolved_person_id",
            "ace",
            "sexual_abuse",
        )
    )
    # Violence against the child by a member of the household (the member is the suspect in that event).
    by_member = hh.filter(hh.c_physical_abuse).select("event_id", "child", suspect="resolved_person_id")
    hit = victim.join(
        by_member, (victim.event_id == by_member.event_id) & (victim.resolved_person_id == by_member.child)
    )
    hit = hit.select(victim, suspect=hit.suspect)
    out.append(_evidence(hit, "resolved_person_id", "ace", "physical_abuse", hit.suspect))
    result = out[0]
    for part in out[1:]:
        result = result.union(part)
    return result.distinct()


def flag_evidence(inv_all: ir.Table, facts: ir.Table, aces: ir.Table, rules: RuleSet, window: Window) -> ir.Table:
    """Returns the evidence rows of the prevention flags (they sit beside the score and never add to it)."""
    inv = _within(inv_all, window)
    child_rows = _child_on_day(inv, facts, "resolved_person_id", rules)
    out: list[ir.Table] = []

    missing = child_rows.filter((child_rows.role == "MISSING_PERSON") & (child_rows.event_type == "MISSING"))
    episodes = missing.group_by("resolved_person_id").aggregate(episodes=missing.event_id.nunique())
    repeat = episodes.filter(episodes.episodes >= int(rules.rule("flags", "repeat_missing")["min_episodes"]))
    out.append(
        _evidence(missing.semi_join(repeat, "resolved_person_id"), "resolved_person_id", "flag", "repeat_missing")
    )

    roles = rules.rule_codes("flags", "first_time_suspect", "roles")
    ever = inv_all.filter(_in(inv_all.role, roles))
    first = ever.group_by("resolved_person_id").aggregate(first_n=ever.day_n.min())
    suspect = child_rows.filter(_in(child_rows.role, roles)).join(first, "resolved_person_id")
    suspect = suspect.filter(suspect.day_n == suspect.first_n)
    out.append(_evidence(suspect, "resolved_person_id", "flag", "first_time_suspect"))

    exploited = child_rows.filter(_has_any(child_rows.flags, rules.rule_codes("flags", "exploitation", "flags")))
    out.append(_evidence(exploited, "resolved_person_id", "flag", "exploitation"))

    warrant_words = rules.rule_codes("flags", "drugs_warrant", "categories")
    lowered = child_rows.category.fill_null("").lower()
    is_warrant: ir.BooleanValue = ibis.literal(value=False)
    for word in warrant_words:
        is_warrant = is_warrant | lowered.contains(word.lower())
    drugs = _has_any(child_rows.flags, rules.rule_codes("flags", "drugs_warrant", "flags")) | _in(
        child_rows.offence_code, rules.rule_codes("flags", "drugs_warrant", "offences")
    )
    out.append(_evidence(child_rows.filter(is_warrant & drugs), "resolved_person_id", "flag", "drugs_warrant"))

    violent = child_rows.filter(
        (child_rows.role == "VICTIM")
        & _in(child_rows.offence_code, rules.rule_codes("flags", "violence_outside_home", "offences"))
    )
    at_home = aces.filter(aces.name == "physical_abuse").select("resolved_person_id", "event_id")
    violent = violent.anti_join(at_home, ["resolved_person_id", "event_id"])
    out.append(_evidence(violent, "resolved_person_id", "flag", "violence_outside_home"))
    result = out[0]
    for part in out[1:]:
        result = result.union(part)
    return result.distinct()
