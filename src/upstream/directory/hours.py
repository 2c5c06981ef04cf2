"""Whether a service is open at a moment.

Weekly and monthly rules, several sessions a day, closures, and UK bank holidays (a service is shut on
them unless its record says otherwise).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import Any

import holidays
from dateutil import rrule

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NTH = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


@functools.lru_cache(maxsize=32)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """Returns the bank holidays of England and Wales in a year."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: dt.date) -> bool:
    """Returns whether the day is a bank holiday in England and Wales."""
    return day in bank_holidays(day.year)


def _in_range(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def occurs_on(schedule: Any, day: dt.date) -> bool:
    """Returns whether a schedule's rule includes the day (ignoring hours)."""
    if not _in_range(day, schedule.valid_from, schedule.valid_to):
        return False
    if not _in_range(day, schedule.dtstart, schedule.until):
        return False
    byday = [d.strip().upper() for d in (schedule.byday or "").split(",") if d.strip()]
    freq = (schedule.freq or "").upper()
    interval = schedule.interval or 1
    simple_weekly = all(d in DAYS for d in byday) and interval == 1 and not schedule.count
    if freq in {"", "WEEKLY"} and simple_weekly and not schedule.bymonthday:
        return not byday or DAYS[day.weekday()] in byday
    return _rrule_occurs(schedule, day, freq or "WEEKLY", byday, interval)


def _rrule_occurs(schedule: Any, day: dt.date, freq: str, byday: list[str], interval: int) -> bool:
    weekdays = []
    for token in byday:
        match = NTH.match(token)
        if match:
            weekday = getattr(rrule, match[2])
            weekdays.append(weekday(int(match[1])) if match[1] and freq == "MONTHLY" else weekday)
    monthdays = [int(x) for x in str(schedule.bymonthday or "").split(",") if x.strip()]
    start = schedule.dtstart or schedule.valid_from or dt.date(day.year - 1, 1, 1)
    rule = rrule.rrule(
        rrule.MONTHLY if freq == "MONTHLY" else rrule.WEEKLY,
        dtstart=dt.datetime.combine(start, dt.time()),
        interval=interval,
        count=schedule.count or None,
        until=dt.datetime.combine(schedule.until, dt.time(23, 59)) if schedule.until and not schedule.count else None,
        byweekday=weekdays or None,
        bymonthday=monthdays or None,
        cache=False,
    )
    midnight = dt.datetime.combine(day, dt.time())
    return bool(rule.between(midnight, midnight + dt.timedelta(hours=23, minutes=59), inc=True))


def _within_hours(schedule: Any, moment: dt.time) -> bool:
    opens, closes = schedule.opens_at, schedule.closes_at
    if opens is None or closes is None:
        return opens is None and closes is None  # a day-long rule with no hours: open all day
    if closes <= opens:  # runs past midnight: the evening part here (is_open reads the small hours next day)
        return moment >= opens
    return opens <= moment < closes


def is_open(schedules: Iterable[Any], at: dt.datetime, *, open_on_bank_holidays: bool = False) -> bool:
    """Returns whether any session is running at the moment, after closures and bank holidays."""
    day, moment = at.date(), at.time()
    schedules = list(schedules)
    for schedule in schedules:
        if getattr(schedule, "closed", False) and _in_range(
            day, schedule.valid_from or schedule.dtstart, schedule.valid_to or schedule.until
        ):
            return False
    if not open_on_bank_holidays and is_bank_holiday(day):
        return False
    if any(
        not getattr(schedule, "closed", False) and occurs_on(schedule, day) and _within_hours(schedule, moment)
        for schedule in schedules
    ):
        return True
    # The small hours of a session that began the evening before (22:00 to 04:00 is open at 02:00).
    yesterday = day - dt.timedelta(days=1)
    return any(
        not getattr(schedule, "closed", False) and _after_midnight(schedule, moment) and occurs_on(schedule, yesterday)
        for schedule in schedules
    )


def _after_midnight(schedule: Any, moment: dt.time) -> bool:
    opens, closes = schedule.opens_at, schedule.closes_at
    return opens is not None and closes is not None and closes <= opens and moment < closes


def weekly_hours(schedules: Iterable[Any]) -> list[tuple[str, list[str]]]:
    """Returns, for each weekday with sessions, the opening times ("09:00 to 12:30") of its weekly rules."""
    out: dict[str, list[str]] = {d: [] for d in DAYS}
    for schedule in schedules:
        if getattr(schedule, "closed", False) or (schedule.freq or "WEEKLY").upper() != "WEEKLY":
            continue
        days = [d.strip().upper() for d in (schedule.byday or "").split(",") if d.strip()] or DAYS
        if schedule.opens_at and schedule.closes_at:
            hours = f"{schedule.opens_at:%H:%M} to {schedule.closes_at:%H:%M}"
            for d in days:
                if d in out:
                    out[d].append(hours)
    return [(d, sorted(h)) for d, h in out.items() if h]
