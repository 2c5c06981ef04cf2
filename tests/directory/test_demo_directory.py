"""The demo force gets about three hundred services in its neighbourhoods, the same for the same seed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from shapely.geometry import Point, shape

from upstream.demo.registry import DemoContext, discover_steps, run_demo
from upstream.directory.models import Location, Service
from upstream.directory.search import search
from upstream.directory.search.base import SearchQuery

pytestmark = pytest.mark.django_db

STEPS = {"upstream.places.demo", "upstream.demo.organisations", "upstream.directory.demo"}


def build(seed):
    return run_demo(DemoContext(seed=seed), steps=[s for s in discover_steps() if s.name in STEPS])


def fingerprint():
    return list(
        Service.objects.order_by("id").values_list(
            "id",
            "name",
            "minimum_age",
            "need_categories",
            "last_verified_at",
            "service_at_locations__location__latitude",
        )
    )


def test_the_directory_step_runs_before_the_referrals_step():
    order = {s.name: s.order for s in discover_steps()}
    assert order["upstream.places.demo"] < order["upstream.directory.demo"] < order["upstream.referrals.demo"]


def test_the_demo_has_about_300_services_in_every_category_inside_their_neighbourhoods():
    build(7)
    services = Service.objects.all()
    assert 280 <= services.count() <= 320
    needs = {n for s in services for n in s.need_categories}
    assert {"domestic-abuse", "youth-diversion", "food", "debt", "education-employment"} <= needs
    stale = [
        s for s in services if s.last_verified_at < timezone.localdate() - dt.timedelta(days=s.recheck_interval_days)
    ]
    assert 0.1 * services.count() < len(stale) < 0.4 * services.count()
    assert all(s.schedules.exists() for s in services[:30])
    for location in Location.objects.select_related("area")[:60]:
        assert location.area.level == "lsoa"
        assert shape(location.area.boundary).contains(Point(location.longitude, location.latitude))


def test_the_same_seed_gives_the_same_directory_and_a_second_run_adds_nothing():
    build(7)
    first = fingerprint()
    results = build(7)
    assert fingerprint() == first
    assert results[-1].counts["services created"] == 0


def test_demo_services_are_found_by_search_near_a_demo_point():
    build(7)
    location = Location.objects.order_by("id").first()
    service = Service.objects.get(service_at_locations__location=location)
    page = search(
        SearchQuery(
            text=service.need_categories[0].replace("-", " "),
            near=(location.latitude, location.longitude),
            radius_km=5,
            per_page=100,
        )
    )
    assert service.pk in [hit.service.pk for hit in page.hits]
