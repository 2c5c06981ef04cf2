"""Which events a problem plan counts: from the plan's kind of problem to police.uk crime types and records.

A plan about burglary measures burglary, not every call in its area. Each kind of problem (the values of
``upstream.problems.models.ProblemType``; nothing here imports Django) has an :class:`EventScope`:

- **police.uk**: the street-level crime types it counts (police.uk's own names, matched without regard to
  case). Road safety has none: police.uk publishes no road traffic offences.
- **records store, crimes**: a crime counts when its Home Office offence code falls in one of those police.uk
  types (:func:`policeuk_category`, the Home Office's offence code to police.uk mapping, checked in the tests
  against the published lookup), or is one of the scope's extra codes (dangerous driving for road safety); a
  crime with no offence code counts when its category text names the problem.
- **records store, calls and incidents**: counted when their category text names the problem (whole words,
  without regard to case: "ASB nuisance", "Burglary in progress") or they carry one of the scope's flags
  (DRUGS for drugs).
- Events with any of the scope's *excluded* flags are left out (domestic abuse, DA, from violence in a public
  place; police.uk cannot tell these apart, so there it counts all violence).

The kind "other" has no scope: every call, incident and crime (every police.uk crime and ASB) is counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ibis

# Bump when a scope or the offence mapping changes, so cached measures are worked out again.
SCOPES_VERSION = "1"

ASB = "Anti-social behaviour"
BICYCLE_THEFT = "Bicycle theft"
BURGLARY = "Burglary"
CRIMINAL_DAMAGE = "Criminal damage and arson"
DRUGS = "Drugs"
OTHER_CRIME = "Other crime"
OTHER_THEFT = "Other theft"
WEAPONS = "Possession of weapons"
PUBLIC_ORDER = "Public order"
ROBBERY = "Robbery"
SHOPLIFTING = "Shoplifting"
THEFT_FROM_PERSON = "Theft from the person"
VEHICLE_CRIME = "Vehicle crime"
VIOLENCE = "Violence and sexual offences"

# The Home Office offence classification by its number (the letters after it are subdivisions), as police.uk
# groups it. Codes whose number is not here (and codes such as AF or CIFAS for fraud) are "Other crime".
_BY_NUMBER: dict[int, str] = {
    **dict.fromkeys(
        (1, 2, 3, 4, 5, 8, 11, 13, 14, 17, 19, 20, 21, 22, 23, 36, 70, 71, 72, 73, 88, 104, 105, 106), VIOLENCE
    ),
    **dict.fromkeys((9, 62, 66), PUBLIC_ORDER),
    **dict.fromkeys((10, 81, 90), WEAPONS),
    **dict.fromkeys((28, 29, 30, 31), BURGLARY),
    34: ROBBERY,
    39: THEFT_FROM_PERSON,
    44: BICYCLE_THEFT,
    46: SHOPLIFTING,
    **dict.fromkeys((37, 45, 48, 126), VEHICLE_CRIME),
    **dict.fromkeys((56, 58), CRIMINAL_DAMAGE),
    92: DRUGS,
    **dict.fromkeys((35, 40, 41, 42, 43, 47, 49), OTHER_THEFT),
}
# Whole codes that differ from their number's group: 37.1 (causing death by aggravated vehicle taking).
_BY_CODE: dict[str, str] = {"37.1": VIOLENCE}
_NUMBER = re.compile(r"^([0-9]+)")


def policeuk_category(offence_code: str) -> str | None:
    """Returns the police.uk crime type of a Home Office offence code ("28E" -> "Burglary"), None if blank."""
    code = offence_code.strip().upper()
    if not code:
        return None
    if code in _BY_CODE:
        return _BY_CODE[code]
    found = _NUMBER.match(code)
    return _BY_NUMBER.get(int(found.group(1)), OTHER_CRIME) if found else OTHER_CRIME


@dataclass(frozen=True)
class EventScope:
    """The events one kind of problem counts (see the module's docstring)."""

    problem_type: str
    policeuk_types: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    exclude_flags: tuple[str, ...] = ()
    extra_offence_codes: tuple[str, ...] = ()

    @property
    def crime_categories(self) -> tuple[str, ...]:
        """Returns the police.uk types a recorded crime's offence code may fall in (ASB is not a crime)."""
        return tuple(t for t in self.policeuk_types if t != ASB)


_ASB_WORDS = ("asb", "anti-social", "antisocial", "anti social", "nuisance")
SCOPES: dict[str, EventScope] = {
    "asb": EventScope("asb", (ASB,), keywords=_ASB_WORDS),
    "youth_disorder": EventScope(
        "youth_disorder",
        (ASB, PUBLIC_ORDER),
        keywords=(*_ASB_WORDS, "youth", "youths", "disorder", "public order"),
    ),
    "drugs": EventScope("drugs", (DRUGS,), keywords=("drug", "drugs"), flags=("DRUGS",)),
    "burglary": EventScope("burglary", (BURGLARY,), keywords=("burglary", "burglaries", "break-in", "break in")),
    "vehicle_crime": EventScope(
        "vehicle_crime",
        (VEHICLE_CRIME,),
        keywords=(
            "vehicle crime",
            "theft of vehicle",
            "theft from vehicle",
            "theft of motor vehicle",
            "theft from motor vehicle",
            "vehicle theft",
            "vehicle interference",
            "stolen vehicle",
            "car crime",
        ),
    ),
    "criminal_damage": EventScope(
        "criminal_damage", (CRIMINAL_DAMAGE,), keywords=("criminal damage", "damage", "arson", "graffiti", "vandalism")
    ),
    "violence": EventScope(
        "violence",
        (VIOLENCE, ROBBERY, WEAPONS),
        keywords=(
            "assault",
            "assaults",
            "violence",
            "violent",
            "fight",
            "fighting",
            "affray",
            "robbery",
            "weapon",
            "weapons",
            "knife",
            "stabbing",
            "wounding",
        ),
        flags=("WEAPON",),
        exclude_flags=("DA",),
    ),
    "shoplifting": EventScope(
        "shoplifting", (SHOPLIFTING,), keywords=("shoplifting", "shoplifter", "shop theft", "theft from shop")
    ),
    "road_safety": EventScope(
        "road_safety",
        (),
        keywords=(
            "road traffic",
            "rtc",
            "collision",
            "speeding",
            "dangerous driving",
            "careless driving",
            "drink driving",
            "drink-driving",
            "drug driving",
            "anti-social driving",
            "vehicle nuisance",
        ),
        extra_offence_codes=("802", "4.4", "4.6", "4.8", "4.9"),
    ),
}


def scope_for(problem_type: str) -> EventScope | None:
    """Returns the scope of a kind of problem, or None when every event is counted ("other")."""
    return SCOPES.get(problem_type)


# --- as Ibis expressions (the same on DuckDB and Spark) ---------------------------------------------------

_NO = ibis.literal(value=False)


def _text(table: ibis.Table, column: str) -> ibis.StringValue:
    if column not in table.columns:
        return ibis.literal("")
    return table[column].cast("string").fill_null("").strip()


def _words(text: ibis.StringValue, keywords: tuple[str, ...]) -> ibis.BooleanValue:
    if not keywords:
        return _NO
    return text.lower().re_search(r"\b(" + "|".join(keywords) + r")\b")


def _any_flag(flags: ibis.StringValue, wanted: tuple[str, ...]) -> ibis.BooleanValue:
    if not wanted:
        return _NO
    return flags.upper().re_search(r"(^|;)\s*(" + "|".join(wanted) + r")\s*(;|$)")


def offence_in(code: ibis.StringValue, categories: tuple[str, ...]) -> ibis.BooleanValue:
    """Returns whether an (upper-case, trimmed) offence code falls in one of the police.uk types."""
    number = code.re_extract(r"^([0-9]+)", 1)
    numbers_in = [str(n) for n, c in _BY_NUMBER.items() if c in categories]
    codes_in = [k for k, c in _BY_CODE.items() if c in categories]
    codes_out = [k for k, c in _BY_CODE.items() if c not in categories]
    matched = code.isin(codes_in) if codes_in else _NO
    by_number = number.isin(numbers_in) if numbers_in else _NO
    if OTHER_CRIME in categories:
        by_number = by_number | ~number.isin([str(n) for n in _BY_NUMBER])
    if codes_out:
        by_number = by_number & ~code.isin(codes_out)
    return (code != "") & (matched | by_number)


def records_match(events: ibis.Table, scope: EventScope) -> ibis.BooleanValue:
    """Returns, for each records-store event, whether the scope counts it (see the module's docstring)."""
    code = _text(events, "offence_code").upper()
    category = _text(events, "category")
    flags = _text(events, "flags")
    named = _words(category, scope.keywords)
    by_code = offence_in(code, scope.crime_categories)
    if scope.extra_offence_codes:
        by_code = by_code | code.isin(list(scope.extra_offence_codes))
    crime = ibis.ifelse(code != "", by_code, named)
    other = named | _any_flag(flags, scope.flags)
    matched = ibis.ifelse(events.event_type == "CRIME", crime, other)
    if scope.exclude_flags:
        matched = matched & ~_any_flag(flags, scope.exclude_flags)
    return matched


def policeuk_match(crimes: ibis.Table, scope: EventScope) -> ibis.BooleanValue:
    """Returns, for each police.uk crime, whether its crime type is one the scope counts."""
    wanted = [t.lower() for t in scope.policeuk_types]
    if not wanted:
        return _NO
    return crimes.crime_type.cast("string").fill_null("").strip().lower().isin(wanted)
