"""The gap analysis: coverage by need, area, group, hours and language against searches and declined referrals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from signing_in import sign_in
from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.core.roles import Role
from upstream.directory.models import Language, Location, Schedule, SearchLog, Service, ServiceArea, ServiceAtLocation
from upstream.gaps import queries
from upstream.gaps.views import to_csv
from upstream.places.models import Area, AreaLevel
from upstream.referrals.models import Referral, Status


@pytest.fixture
def places(db):
    force = Area.objects.create(level=AreaLevel.FORCE, code="force:test", name="Test force")
    north = Area.objects.create(level=AreaLevel.LOCAL_AUTHORITY, code="Z06000001", name="North", parent=force)
    south = Area.objects.create(level=AreaLevel.LOCAL_AUTHORITY, code="Z06000002", name="South", parent=force)
    north_ward = Area.objects.create(level=AreaLevel.WARD, code="Z05000001", name="North Ward", parent=north)
    south_ward = Area.objects.create(level=AreaLevel.WARD, code="Z05000002", name="South Ward", parent=south)
    north_lsoa = Area.objects.create(
        level=AreaLevel.NEIGHBOURHOOD, code="Z01000001", name="North 001A", parent=north_ward
    )
    return {
        "force": force,
        "north": north,
        "south": south,
        "north_ward": north_ward,
        "south_ward": south_ward,
        "north_lsoa": north_lsoa,
    }


def _service(name, needs, *, area=None, service_area=None, groups=(), languages=(), hours=()):
    service = Service.objects.create(name=name, need_categories=list(needs), client_groups=list(groups))
    if area is not None:
        location = Location.objects.create(name=name, area=area, latitude=51.0, longitude=-2.0)
        ServiceAtLocation.objects.create(service=service, location=location)
    if service_area is not None:
        ServiceArea.objects.create(service=service, area=service_area, name=service_area.name)
    for code in languages:
        Language.objects.create(service=service, code=code, name=code)
    for byday, opens, closes in hours:
        Schedule.objects.create(service=service, freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes)
    return service


@pytest.fixture
def directory(places):
    food = _service(
        "North food bank",
        ["food"],
        area=places["north_lsoa"],
        groups=["family"],
        languages=["en", "cy"],
        hours=[("MO,TU", dt.time(9), dt.time(19)), ("SA", dt.time(10), dt.time(12))],
    )
    debt = _service(
        "South money advice", ["debt"], service_area=places["south"], hours=[("MO", dt.time(9), dt.time(17))]
    )
    helpline = _service("Debt helpline", ["debt"], languages=["pl"])
    _service("Closed food bank", ["food"], area=places["north_lsoa"]).__class__.objects.filter(
        name="Closed food bank"
    ).update(status="defunct")
    return {"food": food, "debt": debt, "helpline": helpline}


@pytest.fixture
def commissioner(db):
    organisation = Organisation.objects.create(name="Council", kind=OrganisationKind.COUNCIL)
    return User.objects.create_user(
        username="commissioner", organisation=organisation, roles=[Role.DIRECTORY_COORDINATOR]
    )


def _row(rows, need):
    return next(r for r in rows if r.need == need)


def test_coverage_by_area_group_hours_and_language(commissioner, directory, places):
    report = queries.compute(commissioner, queries.Filters())
    assert [a.name for a in report.area_columns] == ["North", "South"]
    food, debt = _row(report.by_area, "food"), _row(report.by_area, "debt")
    assert (food.total, food.cells) == (1, [1, 0])  # the closed one does not count
    assert (debt.total, debt.anywhere, debt.cells) == (2, 1, [0, 1])  # the helpline is anywhere, not in an area
    assert _row(report.by_area, "housing").total == 0
    family = [code for code, _l in report.group_columns].index("family")
    assert _row(report.by_group, "food").cells[family] == 1
    assert _row(report.by_hours, "food").cells == [1, 1]  # evenings and Saturdays
    assert _row(report.by_hours, "debt").cells == [0, 0]
    codes = [code for code, _l in report.language_columns]
    assert codes[:3] == ["en", "cy", "pl"]
    assert _row(report.by_language, "food").cells[:3] == [1, 1, 0]
    assert _row(report.by_language, "debt").cells[:3] == [0, 0, 1]


def test_an_authority_is_compared_ward_by_ward(commissioner, directory, places):
    report = queries.compute(commissioner, queries.Filters(area_code="Z06000001"))
    assert [a.name for a in report.area_columns] == ["North Ward"]
    assert _row(report.by_area, "food").cells == [1]
    # In the North: its own food bank and the helpline open to anyone; not the South's money advice.
    assert _row(report.by_area, "debt").total == 1
    ward = queries.compute(commissioner, queries.Filters(area_code="Z05000002", need="debt"))
    assert [r.need for r in ward.by_area] == ["debt"]
    assert _row(ward.by_area, "debt").cells == [1]


def test_searches_by_need_and_area_with_those_that_found_nothing(commissioner, directory, places):
    SearchLog.objects.create(text="food bank", filters={}, area_code="", result_count=0)
    SearchLog.objects.create(text="", filters={"needs": ["housing"], "area_code": "Z05000001"}, result_count=0)
    SearchLog.objects.create(text="", filters={"needs": ["housing"], "area_code": "Z06000001"}, result_count=2)
    for _ in range(3):
        SearchLog.objects.create(text="Sign language interpreter", filters={}, result_count=0)
    SearchLog.objects.create(text="old", filters={}, result_count=0, created_at=timezone.now() - dt.timedelta(days=800))
    report = queries.compute(commissioner, queries.Filters())
    housing = _row(report.demand, "housing")
    assert (housing.searches, housing.found_nothing) == (2, 1)
    assert _row(report.demand, "food").found_nothing == 1
    assert (report.search_total, report.zero_total) == (6, 5)
    assert report.demand_by_area[0][1:] == (2, 1)  # North: both housing searches
    assert report.unplaced_searches == (4, 4)
    assert report.zero_terms == [("sign language interpreter", 3)]  # "food bank" was searched once: not listed
    north = queries.compute(commissioner, queries.Filters(area_code="Z06000001"))
    assert north.search_total == 2


def _declined(places, reason, needs, *, area, count):
    organisation = Organisation.objects.get_or_create(name="Charity", kind=OrganisationKind.CHARITY)[0]
    target = Service.objects.get_or_create(name="Referral target")[0]
    for _ in range(count):
        Referral.objects.create(
            service=target,
            receiving_organisation=organisation,
            reason="x",
            need_categories=needs,
            area=area,
            status=Status.DECLINED,
            decline_reason=reason,
            declined_at=timezone.now(),
        )


def test_declined_referrals_with_small_counts_suppressed(commissioner, directory, places):
    _declined(places, "no_capacity", ["housing"], area=places["north_lsoa"], count=6)
    _declined(places, "no_capacity", ["debt"], area=places["south_ward"], count=2)
    _declined(places, "not_eligible", ["food"], area=places["north_lsoa"], count=7)
    _declined(places, "duplicate", ["food"], area=places["north_lsoa"], count=9)  # not a gap signal
    report = queries.compute(commissioner, queries.Filters())
    assert report.referrals_visible
    housing, debt = _row(report.demand, "housing"), _row(report.demand, "debt")
    assert (housing.declined_capacity, debt.declined_capacity) == (6, 2)
    # 2 is hidden; being the only hidden one beside a total, the next smallest (6) is hidden too.
    assert (housing.declined_capacity_shown, debt.declined_capacity_shown) == ("<5", "<5")
    assert _row(report.demand, "food").declined_eligibility_shown == "7"
    assert report.decline_total_shown == "15"
    assert report.declines_by_area == [(report.area_columns[0], "<5", "7"), (report.area_columns[1], "<5", "0")]
    text = to_csv(report)
    assert "demand,debt,all,all,declined_no_capacity,<5" in text
    assert ",2\r\n" not in text.split("declined")[1]


def test_the_page_and_csv_for_a_commissioner(client, commissioner, directory):
    sign_in(client, commissioner)
    page = client.get(reverse("gaps:index"), {"area": "Z06000001", "need": "food"})
    body = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="upstream-chart"' in body
    assert 'role="img"' in body
    assert 'id="table-services"' in body
    assert "<script" not in body.split("<main")[1].split("</main>")[0]
    bad = client.get(reverse("gaps:index"), {"date_from": "tomorrow"})
    assert bad.status_code == 400
    assert "must be a date" in bad.content.decode()
    csv = client.get(reverse("gaps:csv"), {"need": "food"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().startswith("section,need,breakdown,category,measure,value")
    assert AuditEvent.objects.filter(tag="gaps:analysis:export").count() == 1


def test_others_may_not_see_it(client, db):
    organisation = Organisation.objects.create(name="Police", kind=OrganisationKind.POLICE_FORCE)
    officer = User.objects.create_user(username="officer", organisation=organisation, roles=[Role.OFFICER])
    with pytest.raises(PermissionDenied):
        queries.compute(officer, queries.Filters())
    sign_in(client, officer)
    assert client.get(reverse("gaps:index")).status_code == 403
    assert client.get(reverse("gaps:csv")).status_code == 403


def test_the_demo_search_log_finds_nothing_where_the_directory_has_gaps(commissioner, directory, places):
    from upstream.demo.registry import DemoContext
    from upstream.gaps import demo

    assert demo.build(DemoContext(seed=7)) == {"searches logged": demo.SEARCHES}
    assert demo.build(DemoContext(seed=7)) == {"searches logged": 0}
    for log in SearchLog.objects.exclude(filters={}):
        need, ward = log.filters["needs"][0], log.filters["area_code"]
        if need == "housing" or (need == "food" and ward == "Z05000002"):
            assert log.result_count == 0, log.filters
        if need == "food" and ward == "Z05000001":
            assert log.result_count == 1
    report = queries.compute(commissioner, queries.Filters())
    assert report.search_total == demo.SEARCHES
    assert "gambling support" in [words for words, _count in report.zero_terms]


def test_with_nothing_loaded_the_page_still_answers(client, commissioner):
    sign_in(client, commissioner)
    response = client.get(reverse("gaps:index"), {"area": "nowhere", "need": "not-a-need"})
    assert response.status_code == 200
    assert "Showing the whole force area." in response.content.decode()
