"""The person page's Refer action: a service or programme picker over the directory's search, then the form."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from upstream.core import links
from upstream.core.models import AuditEvent
from upstream.directory.generate import generate_directory
from upstream.directory.models import Service
from upstream.referrals.models import ReceivingService

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(council):
    """A generated directory in which the first three services take referrals through Upstream."""
    ids = generate_directory(30, seed=11, today=dt.date(2026, 1, 1))
    taking = list(Service.objects.filter(pk__in=ids).order_by("name")[:3])
    for found in taking:
        ReceivingService.objects.create(service=found, organisation=council)
    return taking


def test_the_person_page_offers_refer_to_referring_staff_only(signed_in, officer, person, make_user, force):
    page = signed_in(officer).get(f"/people/{person.pk}/").content.decode()
    assert "Refer this person to a service or programme" in page
    assert f"/referrals/refer/?person={person.pk}" in page
    from upstream.core.roles import Role

    analyst = make_user("analyst", force, Role.ANALYST)
    assert links.for_record("people:person", analyst, person) == []


def test_an_erased_person_cannot_be_referred(officer, person):
    person.erased_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    person.save()
    assert links.for_record("people:person", officer, person) == []


def test_searching_by_need_lists_only_services_that_take_referrals_and_links_to_the_prefilled_form(
    signed_in, officer, person, directory, programme
):
    client = signed_in(officer)
    target = directory[0]
    need = target.need_categories[0]
    page = client.get("/referrals/refer/", {"person": person.pk, "need": need})
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/referrals/new/?service={target.pk}&amp;person={person.pk}" in body
    not_taking = Service.objects.exclude(pk__in=[s.pk for s in directory]).filter(need_categories__icontains=need)
    for other in not_taking[:5]:
        assert f"?service={other.pk}" not in body
    # The form it leads to has the person filled in.
    form = client.get(f"/referrals/new/?service={target.pk}&person={person.pk}").content.decode()
    assert f'name="person_id" value="{person.pk}"' in form


def test_programmes_running_now_are_offered_and_filtered_by_words(signed_in, officer, person, programme):
    client = signed_in(officer)
    body = client.get("/referrals/refer/", {"person": person.pk}).content.decode()
    assert f"/referrals/new/?programme={programme.pk}&amp;person={person.pk}" in body
    assert "Search by words, need or area to find services." in body
    body = client.get("/referrals/refer/", {"person": person.pk, "q": "nothing-like-this"}).content.decode()
    assert f"programme={programme.pk}" not in body
    programme.ends_on = dt.date(2025, 6, 1)
    programme.save()
    assert f"programme={programme.pk}" not in client.get("/referrals/refer/").content.decode()


def test_a_person_out_of_reach_is_not_found_and_bad_input_is_ignored(signed_in, charity_caseworker, person, officer):
    assert signed_in(charity_caseworker).get(f"/referrals/refer/?person={person.pk}").status_code == 404
    client = signed_in(officer)
    assert client.get("/referrals/refer/?person=abc").status_code == 404
    assert client.get("/referrals/refer/", {"need": "<script>", "area": "nowhere", "q": "x" * 5000}).status_code == 200


def test_opening_the_picker_for_a_person_is_audited_as_a_consultation(signed_in, officer, person):
    signed_in(officer).get(f"/referrals/refer/?person={person.pk}")
    event = AuditEvent.objects.filter(object_id=str(person.pk)).order_by("-pk").first()
    assert event is not None
    assert event.operation == "consultation"
    assert "refer" in event.purpose


@pytest.fixture
def crowded_directory(council):
    """275 parenting services, in whose order (by name) the 45 that take referrals come after the first 230."""
    from upstream.directory.services import refresh_services_index

    first = [Service(name=f"Aaron Parenting {i:03d}", need_categories=["parenting"]) for i in range(230)]
    taking = [Service(name=f"Zephyr Parenting {i:02d}", need_categories=["parenting"]) for i in range(45)]
    Service.objects.bulk_create(first + taking)
    refresh_services_index(service_ids=[s.pk for s in first + taking])
    ReceivingService.objects.bulk_create([ReceivingService(service=s, organisation=council) for s in taking])
    return taking


def _service_ids(body):
    return set(re.findall(r"/referrals/new/\?service=([0-9a-f-]{36})", body))


def test_the_picker_pages_through_every_service_that_takes_referrals_however_far_down_they_rank(
    signed_in, officer, person, crowded_directory
):
    client = signed_in(officer)
    first = client.get("/referrals/refer/", {"person": person.pk, "need": "parenting"}).content.decode()
    assert "45 services take referrals through Upstream and match." in first
    assert "Page 1 of 3." in first
    assert 'aria-label="Pages of services"' in first
    # The next page keeps the person and the search.
    assert f"?person={person.pk}&amp;need=parenting&amp;programmes_page=1&amp;page=2#services" in first
    seen = _service_ids(first)
    assert len(seen) == 20
    for number in (2, 3):
        body = client.get(
            "/referrals/refer/", {"person": person.pk, "need": "parenting", "page": number}
        ).content.decode()
        assert f"Page {number} of 3." in body
        found = _service_ids(body)
        assert not found & seen, "a service shown on two pages"
        seen |= found
    assert seen == {str(s.pk) for s in crowded_directory}
    # Past the last page: no list, the count and a way back instead of "nothing matches".
    beyond = client.get("/referrals/refer/", {"need": "parenting", "page": 9}).content.decode()
    assert "45 services take referrals through Upstream and match. There are 3 pages." in beyond
    assert "Go to the first page" in beyond
    assert not _service_ids(beyond)


def test_the_picker_pages_through_programmes_too(signed_in, officer, council):
    from upstream.referrals.models import Programme

    Programme.objects.bulk_create(
        [
            Programme(name=f"Course {i:02d}", organisation=council, places=10, starts_on=dt.date(2025, 1, 1))
            for i in range(25)
        ]
    )
    client = signed_in(officer)
    first = client.get("/referrals/refer/").content.decode()
    assert "25 programmes running now match. Page 1 of 2." in first
    second = client.get("/referrals/refer/", {"programmes_page": 2}).content.decode()
    names = set(re.findall(r"Refer to (Course \d\d)", first)) | set(re.findall(r"Refer to (Course \d\d)", second))
    assert names == {f"Course {i:02d}" for i in range(25)}
    assert len(re.findall(r"Refer to Course", second)) == 5


def test_the_picker_search_counts_only_services_that_take_referrals(officer, crowded_directory):
    from upstream.referrals import queries

    targets = queries.referral_targets(officer, need="parenting", page=3)
    assert (targets.services_total, targets.services_pages, len(targets.services)) == (45, 3, 5)
    assert queries.referral_targets(officer, text="Aaron").services_total == 0
