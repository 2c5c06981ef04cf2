"""Search behind one query object: words with typos, needs, eligibility, distance and opening hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from upstream.directory.models import Location, Schedule, Service, ServiceAtLocation, ServiceText
from upstream.directory.search import SearchQuery, backend, search
from upstream.directory.search.base import haversine_km
from upstream.directory.services import refresh_service_index

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CARDIFF = (51.4816, -3.1791)
SWANSEA = (51.6214, -3.9436)
# A Wednesday in term time, and Christmas Day (a bank holiday).
WEDNESDAY_11AM = dt.datetime(2026, 3, 4, 11, 0, tzinfo=LONDON)
CHRISTMAS_11AM = dt.datetime(2026, 12, 25, 11, 0, tzinfo=LONDON)


def _service(name, *, description="", needs=(), at=CARDIFF, hours=(("MO,TU,WE,TH,FR", "09:00", "17:00"),), **fields):
    service = Service.objects.create(name=name, description=description, need_categories=list(needs), **fields)
    location = Location.objects.create(name=f"{name} building", latitude=at[0], longitude=at[1])
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


def _names(query):
    return [hit.service.name for hit in search(query).hits]


def test_backend_matches_the_database():
    assert backend().vendor == connection.vendor


def test_words_find_services_and_a_typo_still_finds_them():
    _service("Counselling for adults", description="Talking therapy for anxiety")
    _service("Food bank", description="Emergency food parcels")
    assert _names(SearchQuery(text="counselling")) == ["Counselling for adults"]
    assert _names(SearchQuery(text="counseling")) == ["Counselling for adults"]
    assert _names(SearchQuery(text="anxiety therapy")) == ["Counselling for adults"]
    assert _names(SearchQuery(text="parcel")) == ["Food bank"]


def test_welsh_words_are_found():
    _service("Cymorth i Fenywod", description="Cefnogaeth cam-drin domestig")
    assert _names(SearchQuery(text="cefnogaeth")) == ["Cymorth i Fenywod"]


def test_search_syntax_is_not_interpreted():
    _service("Food bank")
    for attack in ['food" OR "*', "NEAR(food bank)", "food AND NOT bank", "'; DROP TABLE x; --", "food:* | bank"]:
        search(SearchQuery(text=attack))
    assert Service.objects.count() == 1


def test_need_category_and_eligibility_filters():
    _service("Young people's club", needs=["youth-diversion"], minimum_age=11, maximum_age=18)
    _service("Women's refuge", needs=["domestic-abuse"], eligibility_sex="female")
    _service("Men's group", needs=["domestic-abuse"], eligibility_sex="male")
    assert _names(SearchQuery(needs=("youth-diversion",), age=15)) == ["Young people's club"]
    assert _names(SearchQuery(needs=("youth-diversion",), age=30)) == []
    assert _names(SearchQuery(needs=("domestic-abuse",), sex="female")) == ["Women's refuge"]


def test_near_a_point_sorts_by_distance_and_keeps_within_radius():
    _service("Swansea advice", at=SWANSEA)
    _service("Cardiff advice", at=CARDIFF)
    _service("Barry advice", at=(51.3997, -3.2830))
    page = search(SearchQuery(text="advice", near=CARDIFF, radius_km=20))
    assert [h.service.name for h in page.hits] == ["Cardiff advice", "Barry advice"]
    assert page.hits[0].distance_km < 0.1
    assert 11 < page.hits[1].distance_km < 15


def test_haversine_cardiff_to_swansea():
    assert 54 < haversine_km(*CARDIFF, *SWANSEA) < 56


def test_open_at_uses_several_sessions_bank_holidays_and_closures():
    _service("Split day", hours=(("MO,TU,WE,TH,FR", "09:00", "10:30"), ("MO,TU,WE,TH,FR", "13:00", "16:00")))
    _service("Morning only", hours=(("MO,TU,WE,TH,FR", "09:00", "10:30"),))
    _service("Christmas lunch", hours=(("MO,TU,WE,TH,FR", "10:00", "14:00"),), open_on_bank_holidays=True)
    shut = _service("Shut this week", hours=(("MO,TU,WE,TH,FR", "09:00", "17:00"),))
    Schedule.objects.create(service=shut, closed=True, valid_from=dt.date(2026, 3, 2), valid_to=dt.date(2026, 3, 6))
    refresh_service_index(service=shut)
    assert sorted(_names(SearchQuery(open_at=WEDNESDAY_11AM))) == ["Christmas lunch"]
    assert sorted(_names(SearchQuery(open_at=WEDNESDAY_11AM.replace(hour=14)))) == ["Split day"]
    assert sorted(_names(SearchQuery(open_at=WEDNESDAY_11AM.replace(hour=9, minute=30)))) == [
        "Morning only",
        "Split day",
    ]
    assert _names(SearchQuery(open_at=CHRISTMAS_11AM)) == ["Christmas lunch"]


def test_pages_and_total():
    for i in range(25):
        _service(f"Advice centre {i:02d}")
    first = search(SearchQuery(text="advice", per_page=10))
    third = search(SearchQuery(text="advice", per_page=10, page=3))
    assert first.total == 25
    assert first.total_pages == 3
    assert len(third.hits) == 5


def test_inactive_services_are_not_found():
    _service("Closed food bank", status="defunct")
    assert _names(SearchQuery(text="food")) == []


def test_index_follows_a_rename():
    service = _service("Old name")
    service.name = "Brand new title"
    service.save()
    refresh_service_index(service=service)
    assert _names(SearchQuery(text="brand")) == ["Brand new title"]
    assert ServiceText.objects.get(service=service).body.startswith("Brand new title\n")
