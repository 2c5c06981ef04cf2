"""The search table: the week in quarter hours agrees with the opening rules, and the one-query search is exact."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from upstream.directory.hours import is_open
from upstream.directory.models import Location, Schedule, Service, ServiceAtLocation
from upstream.directory.search import SearchQuery, base, search
from upstream.directory.search.base import Rule, haversine_km
from upstream.directory.search.models import CHECK, OPEN, SHUT, SearchEntry, SearchPlace
from upstream.directory.search.week import open_week, quarter_state
from upstream.directory.services import refresh_service_index

LONDON = ZoneInfo("Europe/London")
CARDIFF = (51.4816, -3.1791)
NEWPORT = (51.5842, -2.9977)
SWANSEA = (51.6214, -3.9436)
# A week in March with no bank holiday: Monday 2 to Sunday 8.
MONDAY = dt.date(2026, 3, 2)


def _moments(rng: random.Random, count: int) -> list[dt.datetime]:
    return [
        dt.datetime.combine(MONDAY + dt.timedelta(days=rng.randrange(7)), dt.time(rng.randrange(24), rng.randrange(60)))
        for _ in range(count)
    ]


def _random_rule(rng: random.Random) -> dict[str, str]:
    days = ",".join(sorted(rng.sample(["MO", "TU", "WE", "TH", "FR", "SA", "SU"], rng.randint(1, 7))))
    opens = dt.time(rng.randrange(24), rng.choice([0, 10, 15, 30, 45]))
    closes = dt.time(rng.randrange(24), rng.choice([0, 15, 30, 45, 59]))
    return {"freq": "WEEKLY", "byday": days, "opens_at": opens.isoformat(), "closes_at": closes.isoformat()}


def test_the_week_never_contradicts_the_rules():
    rng = random.Random(3)  # noqa: S311 - made-up hours, nothing secret
    for _ in range(200):
        rules = [_random_rule(rng) for _ in range(rng.randint(1, 3))]
        week = open_week(rules)
        assert len(week) == 168
        for moment in _moments(rng, 30):
            state = quarter_state(week, moment)
            truth = is_open([Rule(r) for r in rules], moment)
            if state == OPEN:
                assert truth, (rules, moment)
            elif state == SHUT:
                assert not truth, (rules, moment)


def test_whole_quarters_are_exact_and_edges_ask_the_rules():
    week = open_week([{"freq": "WEEKLY", "byday": "WE", "opens_at": "09:00:00", "closes_at": "12:10:00"}])
    wednesday = dt.datetime.combine(MONDAY + dt.timedelta(days=2), dt.time(9, 0))
    assert quarter_state(week, wednesday) == OPEN
    assert quarter_state(week, wednesday.replace(hour=12, minute=5)) == CHECK
    assert quarter_state(week, wednesday.replace(hour=8, minute=59)) == SHUT
    assert quarter_state(week, wednesday.replace(hour=12, minute=20)) == SHUT


def test_dated_rules_and_closures_always_ask_the_rules():
    monthly = open_week([{"freq": "MONTHLY", "byday": "1MO", "opens_at": "10:00:00", "closes_at": "12:00:00"}])
    monday_ten = dt.datetime.combine(MONDAY, dt.time(10, 30))
    assert quarter_state(monthly, monday_ten) == CHECK
    assert quarter_state(monthly, monday_ten + dt.timedelta(days=1)) == SHUT  # never on a Tuesday
    closed = open_week(
        [
            {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00:00", "closes_at": "17:00:00"},
            {"closed": True, "valid_from": "2026-03-02", "valid_to": "2026-03-02"},
        ]
    )
    assert quarter_state(closed, monday_ten) == CHECK


def test_overnight_sessions_reach_the_next_morning_and_sunday_wraps_to_monday():
    rule = {"freq": "WEEKLY", "byday": "SU", "opens_at": "22:00:00", "closes_at": "04:00:00"}
    week = open_week([rule])
    sunday_late = dt.datetime.combine(MONDAY + dt.timedelta(days=6), dt.time(23, 0))
    assert quarter_state(week, sunday_late) == OPEN
    assert quarter_state(week, dt.datetime.combine(MONDAY, dt.time(2, 0))) == OPEN
    assert quarter_state(week, dt.datetime.combine(MONDAY, dt.time(5, 0))) == SHUT
    assert is_open([Rule(rule)], dt.datetime.combine(MONDAY + dt.timedelta(days=7), dt.time(2, 0), tzinfo=LONDON))


def _service(name, *, places=(CARDIFF,), hours=(("MO,TU,WE,TH,FR", "09:00", "17:00"),), **fields):
    service = Service.objects.create(name=name, **fields)
    for i, point in enumerate(places):
        location = Location.objects.create(name=f"{name} {i}", latitude=point[0], longitude=point[1])
        ServiceAtLocation.objects.create(service=service, location=location)
    for byday, opens, closes in hours:
        Schedule.objects.create(
            service=service,
            freq="WEEKLY",
            byday=byday,
            opens_at=dt.time.fromisoformat(opens),
            closes_at=dt.time.fromisoformat(closes),
        )
    refresh_service_index(service=service)
    return service


@pytest.mark.django_db
def test_a_service_with_several_places_is_as_near_as_its_nearest():
    both = _service("Two offices advice", places=(SWANSEA, NEWPORT))
    _service("Swansea only advice", places=(SWANSEA,))
    entry = SearchEntry.objects.get(service=both)
    assert entry.more_places
    assert SearchPlace.objects.filter(entry=entry).count() == 2
    page = search(SearchQuery(text="advice", near=CARDIFF, radius_km=20))
    assert [h.service.name for h in page.hits] == ["Two offices advice"]
    assert page.hits[0].distance_km == pytest.approx(haversine_km(*CARDIFF, *NEWPORT), abs=0.01)
    far = search(SearchQuery(text="advice", near=CARDIFF, radius_km=100))
    assert [h.service.name for h in far.hits] == ["Two offices advice", "Swansea only advice"]


@pytest.mark.django_db
def test_the_radius_is_the_great_circle_distance_exactly():
    _service("Inside", places=((51.5716, -3.1791),))  # 10.0 km north of Cardiff
    distance = haversine_km(*CARDIFF, 51.5716, -3.1791)
    assert [h.service.name for h in search(SearchQuery(near=CARDIFF, radius_km=distance + 0.01)).hits] == ["Inside"]
    assert search(SearchQuery(near=CARDIFF, radius_km=distance - 0.01)).hits == []


@pytest.mark.django_db
def test_a_status_change_leaves_the_search_when_the_index_is_refreshed():
    service = _service("Soon closed advice")
    assert search(SearchQuery(text="advice")).total == 1
    service.status = "defunct"
    service.save()
    refresh_service_index(service=service)
    assert search(SearchQuery(text="advice")).total == 0


@pytest.mark.django_db
def test_the_count_and_pages_stay_exact_when_many_services_must_ask_their_rules(monkeypatch):
    # Closures make every service "ask the rules"; reading only five rows at a time forces the count query.
    monkeypatch.setattr(base, "CANDIDATES", 5)
    wednesday_11 = dt.datetime(2026, 3, 4, 11, 0, tzinfo=LONDON)
    for i in range(12):
        service = _service(f"Centre {i:02d}")
        shut_day = dt.date(2026, 3, 4) if i % 3 == 0 else dt.date(2026, 4, 1)
        Schedule.objects.create(service=service, closed=True, valid_from=shut_day, valid_to=shut_day)
        refresh_service_index(service=service)
    first = search(SearchQuery(open_at=wednesday_11, per_page=3))
    assert first.total == 8
    names = []
    for page in range(1, 4):
        names += [h.service.name for h in search(SearchQuery(open_at=wednesday_11, per_page=3, page=page)).hits]
    assert names == [f"Centre {i:02d}" for i in range(12) if i % 3 != 0]


@pytest.mark.django_db
def test_on_a_bank_holiday_only_services_open_on_them_are_open():
    _service("Usual hours")
    _service("Holiday hours", open_on_bank_holidays=True)
    good_friday = dt.datetime(2026, 4, 3, 11, 0, tzinfo=LONDON)
    assert [h.service.name for h in search(SearchQuery(open_at=good_friday)).hits] == ["Holiday hours"]
