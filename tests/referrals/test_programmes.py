"""Programmes: places are taken in order, then a waiting list forms and moves up as places free."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from upstream.people import services as people_services
from upstream.referrals import queries, services
from upstream.referrals.models import CapacityKind, Enrolment, EnrolmentStatus, Programme, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_worker(make_user, council):
    from upstream.core.roles import Role

    return make_user("council-worker", council, Role.PARTNER_CASEWORKER)


@pytest.fixture
def people(council_worker):
    def make(n, **fields):
        return [
            people_services.create_person(
                actor=council_worker,
                legal_regime="uk_gdpr",
                purpose="programme",
                retention_class="casework",
                surname=f"Person {i}",
                **fields,
            )
            for i in range(n)
        ]

    return make


def statuses(programme):
    return [
        (e.person.surname, e.status, e.waiting_position)
        for e in Enrolment.objects.filter(programme=programme).order_by("pk")
    ]


def test_places_fill_then_a_waiting_list_forms_in_order(programme, council_worker, people):
    a, b, c, d = people(4)
    for person in (a, b, c, d):
        services.enrol_person(actor=council_worker, programme=programme, person=person)
    assert statuses(programme) == [
        ("Person 0", "enrolled", None),
        ("Person 1", "enrolled", None),
        ("Person 2", "waiting", 1),
        ("Person 3", "waiting", 2),
    ]
    assert queries.programme_figures(programme) == {
        "places": 2,
        "used": 2,
        "free": 0,
        "waiting": 2,
        "enrolled": 2,
        "completed": 0,
        "withdrawn": 0,
    }


def test_a_freed_place_goes_to_the_head_of_the_waiting_list_and_the_queue_moves_up(programme, council_worker, people):
    a, b, c, d = people(4)
    enrolments = [services.enrol_person(actor=council_worker, programme=programme, person=p) for p in (a, b, c, d)]
    services.complete_enrolment(actor=council_worker, enrolment=enrolments[0], outcome="goals_met")
    assert statuses(programme) == [
        ("Person 0", "completed", None),
        ("Person 1", "enrolled", None),
        ("Person 2", "enrolled", None),
        ("Person 3", "waiting", 1),
    ]


def test_leaving_the_waiting_list_moves_those_behind_up(programme, council_worker, people):
    enrolments = [services.enrol_person(actor=council_worker, programme=programme, person=p) for p in people(5)]
    services.withdraw_enrolment(actor=council_worker, enrolment=enrolments[2], note="moved away")
    assert [e[2] for e in statuses(programme) if e[1] == "waiting"] == [1, 2]


def test_places_over_the_whole_run_are_not_freed_by_completion(council, council_worker, people):
    programme = Programme.objects.create(
        name="Perpetrator programme",
        organisation=council,
        places=1,
        capacity_kind=CapacityKind.TOTAL,
        starts_on=dt.date(2025, 1, 1),
    )
    first, second = (services.enrol_person(actor=council_worker, programme=programme, person=p) for p in people(2))
    services.complete_enrolment(actor=council_worker, enrolment=first, outcome="engaged")
    assert Enrolment.objects.get(pk=second.pk).status == EnrolmentStatus.WAITING
    services.withdraw_enrolment(actor=council_worker, enrolment=second)
    assert queries.programme_figures(programme)["free"] == 0


def test_eligibility_by_age_and_sex_is_checked(council, council_worker, people):
    programme = Programme.objects.create(
        name="Young women's diversion",
        organisation=council,
        places=10,
        starts_on=dt.date(2025, 1, 1),
        minimum_age=18,
        maximum_age=25,
        eligible_sex="F",
    )
    today = timezone.localdate()
    (man,) = people(1, sex="M", date_of_birth=today.replace(year=today.year - 20))
    with pytest.raises(ValidationError, match="women and girls"):
        services.enrol_person(actor=council_worker, programme=programme, person=man)
    (child,) = people(1, sex="F", date_of_birth=today.replace(year=today.year - 15))
    with pytest.raises(ValidationError, match="18 or over"):
        services.enrol_person(actor=council_worker, programme=programme, person=child)


def test_someone_already_on_the_programme_is_not_enrolled_twice(programme, council_worker, people):
    (person,) = people(1)
    services.enrol_person(actor=council_worker, programme=programme, person=person)
    with pytest.raises(ValidationError, match="already"):
        services.enrol_person(actor=council_worker, programme=programme, person=person)


def test_another_organisation_cannot_enrol_people_on_our_programme(programme, charity_caseworker, person):
    with pytest.raises(services.PermissionDenied):
        services.enrol_person(actor=charity_caseworker, programme=programme, person=person)


def test_accepting_a_programme_referral_takes_a_place_or_joins_the_queue(
    make_referral, programme, officer, caseworker, make_person_for_officer
):
    created = []
    for i in range(3):
        referral = make_referral(target=programme, person=make_person_for_officer(f"Ref {i}"))
        referral = services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
        referral = services.acknowledge_referral(actor=caseworker, referral=referral, expected_version=referral.version)
        referral = services.accept_referral(actor=caseworker, referral=referral, expected_version=referral.version)
        assert referral.status == Status.ACCEPTED
        created.append(referral)
    assert [(e.status, e.waiting_position) for e in Enrolment.objects.order_by("pk")] == [
        ("enrolled", None),
        ("enrolled", None),
        ("waiting", 1),
    ]
    assert Enrolment.objects.get(status="waiting").referral == created[2]


@pytest.fixture
def make_person_for_officer(officer):
    def make(surname):
        return people_services.create_person(
            actor=officer, legal_regime="law_enforcement", purpose="p", retention_class="casework", surname=surname
        )

    return make
