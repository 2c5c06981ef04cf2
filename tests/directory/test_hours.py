"""Opening hours from HSDS schedules: weekly and monthly rules, intervals, overnight sessions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from upstream.directory.hours import is_bank_holiday, is_open, occurs_on, weekly_hours

LONDON = ZoneInfo("Europe/London")


def _schedule(**fields):
    base = {
        "valid_from": None,
        "valid_to": None,
        "dtstart": None,
        "until": None,
        "count": None,
        "freq": "WEEKLY",
        "interval": None,
        "byday": "",
        "bymonthday": "",
        "opens_at": None,
        "closes_at": None,
        "closed": False,
    }
    base.update(fields)
    return SimpleNamespace(**base)


def test_first_monday_of_the_month():
    rule = _schedule(freq="MONTHLY", byday="1MO", dtstart=dt.date(2026, 1, 1))
    assert occurs_on(rule, dt.date(2026, 3, 2))
    assert not occurs_on(rule, dt.date(2026, 3, 9))


def test_fortnightly():
    rule = _schedule(freq="WEEKLY", interval=2, byday="TU", dtstart=dt.date(2026, 3, 3))
    assert occurs_on(rule, dt.date(2026, 3, 3))
    assert not occurs_on(rule, dt.date(2026, 3, 10))
    assert occurs_on(rule, dt.date(2026, 3, 17))


def test_overnight_session_is_open_late():
    rule = _schedule(byday="FR", opens_at=dt.time(22), closes_at=dt.time(4))
    assert is_open([rule], dt.datetime(2026, 3, 6, 23, 30, tzinfo=LONDON))
    assert not is_open([rule], dt.datetime(2026, 3, 6, 21, 0, tzinfo=LONDON))


def test_bank_holidays_of_england_and_wales():
    assert is_bank_holiday(dt.date(2026, 12, 25))
    assert is_bank_holiday(dt.date(2026, 8, 31))  # summer bank holiday
    assert not is_bank_holiday(dt.date(2026, 3, 4))


def test_valid_to_ends_the_rule():
    rule = _schedule(byday="WE", opens_at=dt.time(9), closes_at=dt.time(17), valid_to=dt.date(2026, 3, 1))
    assert not is_open([rule], dt.datetime(2026, 3, 4, 10, tzinfo=LONDON))


def test_weekly_hours_lists_sessions_by_day():
    rules = [
        _schedule(byday="MO,TU", opens_at=dt.time(9), closes_at=dt.time(12)),
        _schedule(byday="MO", opens_at=dt.time(13), closes_at=dt.time(15)),
    ]
    assert weekly_hours(rules) == [("MO", ["09:00 to 12:00", "13:00 to 15:00"]), ("TU", ["09:00 to 12:00"])]
