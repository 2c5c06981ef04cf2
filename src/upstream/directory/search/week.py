"""A service's opening rules as a week of quarter hours, so "open now" is one character test in SQL.

Plain weekly rules (no dates, no interval, no monthly days) give exact answers: a quarter hour wholly inside
a session is OPEN, one it does not touch is SHUT, and one a session starts or ends in is CHECK. Dated or
monthly rules, and any closure, can change from one week to the next, so the quarters they might open are
CHECK too. Search asks the rules themselves (``hours.is_open``) for the few CHECK services only. Bank
holidays are not in the week: search filters on ``open_on_bank_holidays`` on those days.

The week is 168 characters, one per hour from Monday 00:00; an hour's four quarters q = 0..3 are base-3
digits of ``ord(char) - BASE``, so SQL reads quarter q as ``(code(char) - BASE) / 3**q % 3``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from upstream.directory.hours import DAYS, NTH
from upstream.directory.search.models import CHECK, OPEN, SHUT, WEEK_HOURS

SLOT_MINUTES = 15
WEEK_SLOTS = WEEK_HOURS * 4
BASE = 40  # "(": the codes 40..120 are plain ASCII on every database

SLOT_SECONDS = SLOT_MINUTES * 60
DAY_SECONDS = 24 * 60 * 60
WEEK_SECONDS = 7 * DAY_SECONDS
_DATED = ("valid_from", "valid_to", "dtstart", "until", "count")


def _seconds(value: Any) -> int | None:
    if value in (None, ""):
        return None
    moment = value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _days(rule: dict[str, Any]) -> tuple[list[int], bool]:
    """Returns the weekdays (0 = Monday) a rule can fall on, and whether it falls on every one of them weekly."""
    tokens = [d.strip().upper() for d in str(rule.get("byday") or "").split(",") if d.strip()]
    freq = str(rule.get("freq") or "WEEKLY").upper()
    plain = (
        freq == "WEEKLY"
        and int(rule.get("interval") or 1) == 1
        and not rule.get("bymonthday")
        and not any(rule.get(name) for name in _DATED)
        and all(t in DAYS for t in tokens)
    )
    if rule.get("bymonthday"):
        return list(range(7)), False
    days = []
    for token in tokens:
        match = NTH.match(token)
        if match:
            days.append(DAYS.index(match[2]))
    return (sorted(set(days)) if tokens else list(range(7))), plain


def _sessions(rule: dict[str, Any], day: int) -> list[tuple[int, int]]:
    """Returns the rule's session on a weekday as [start, end) seconds of the week (two parts past midnight)."""
    opens, closes = _seconds(rule.get("opens_at")), _seconds(rule.get("closes_at"))
    start = day * DAY_SECONDS
    if opens is None and closes is None:
        return [(start, start + DAY_SECONDS)]  # a day-long rule with no hours
    if opens is None or closes is None:
        return []  # half a session is never open (hours.is_open agrees)
    if closes > opens:
        return [(start + opens, start + closes)]
    # Past midnight: the evening on the day, the small hours at the start of the next (Sunday wraps to Monday).
    following = ((day + 1) % 7) * DAY_SECONDS
    return [(start + opens, start + DAY_SECONDS), (following, following + closes)]


def open_week(rules: list[dict[str, Any]]) -> str:
    """Returns the week's 168 hour characters from a service's opening rules (Service.opening_rules)."""
    slots = [SHUT] * WEEK_SLOTS
    closures = any(rule.get("closed") for rule in rules)
    for rule in rules:
        if rule.get("closed"):
            continue
        days, plain = _days(rule)
        exact = plain and not closures
        for day in days:
            for start, end in _sessions(rule, day):
                first, last = start // SLOT_SECONDS, (end - 1) // SLOT_SECONDS
                for slot in range(first, min(last, WEEK_SLOTS - 1) + 1):
                    whole = start <= slot * SLOT_SECONDS and end >= (slot + 1) * SLOT_SECONDS
                    if exact and whole:
                        slots[slot] = OPEN
                    elif slots[slot] == SHUT:
                        slots[slot] = CHECK
    return "".join(chr(BASE + sum(slots[hour * 4 + q] * 3**q for q in range(4))) for hour in range(WEEK_HOURS))


def quarter_state(week: str, local: dt.datetime) -> int:
    """Returns SHUT, OPEN or CHECK for the quarter hour a local time falls in (what the SQL computes)."""
    slot = slot_at(local)
    return (ord(week[slot // 4]) - BASE) // 3 ** (slot % 4) % 3


def slot_at(local: dt.datetime) -> int:
    """Returns the 0-based slot of the week a local time falls in."""
    seconds = local.weekday() * DAY_SECONDS + local.hour * 3600 + local.minute * 60 + local.second
    return (seconds % WEEK_SECONDS) // SLOT_SECONDS
