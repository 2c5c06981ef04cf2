"""Working days for response-time targets: Monday to Friday, less the bank holidays of England and Wales."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

SATURDAY = 5  # date.weekday(): Monday is 0


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # England and Wales share their bank holidays; a force in Scotland or Northern Ireland would pass its
    # own subdivision here (a setting, when one asks).
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    """Returns whether the day is a weekday that is not a bank holiday."""
    return day.weekday() < SATURDAY and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """Returns the date that is the given number of working days after the start (the start not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Returns how many working days fall after the start, up to and including the end."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
