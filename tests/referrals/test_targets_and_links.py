"""Acknowledgement targets in working days (UK bank holidays), overdue referrals, links and gap-analysis signals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upstream.people.models import PersonRecordRole
from upstream.referrals import links, queries, services
from upstream.referrals.models import Programme, Referral, Status
from upstream.referrals.working_days import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends_and_bank_holidays():
    # Thursday 24 December 2026: Christmas Day (Fri) and Boxing Day substitute (Mon 28th) are bank holidays.
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)  # Friday to Monday
    assert add_working_days(dt.date(2026, 11, 23), 5) == dt.date(2026, 11, 30)
    assert not is_working_day(dt.date(2026, 5, 4))  # early May bank holiday
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 29)) == 1


def test_sending_sets_the_acknowledgement_target_from_the_service(make_referral, officer):
    referral = make_referral()
    sent = services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
    assert sent.acknowledge_by == add_working_days(timezone.localdate(), 3)


def test_a_referral_not_acknowledged_by_its_target_is_overdue_until_received(make_referral, officer, caseworker):
    referral = make_referral()
    sent = services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
    Referral.objects.filter(pk=sent.pk).update(acknowledge_by=timezone.localdate() - dt.timedelta(days=1))
    assert queries.overdue_count(caseworker) == 1
    assert queries.overdue_count(officer) == 1
    overdue = queries.list_referrals(caseworker, box="inbox", overdue=True)
    assert [r.pk for r in overdue.referrals] == [sent.pk]
    stale = Referral.objects.get(pk=sent.pk)
    services.acknowledge_referral(actor=caseworker, referral=stale, expected_version=stale.version)
    assert queries.overdue_count(caseworker) == 0


def test_the_referral_is_listed_among_the_persons_records(make_referral, person):
    referral = make_referral()
    role = PersonRecordRole.objects.get(person=person)
    assert (role.record_type, role.record_id, role.role) == ("referrals.referral", str(referral.pk), "subject")


def test_the_refer_link_shows_for_referring_staff_and_services_that_take_referrals(officer, make_user, force, service):
    from upstream.core.roles import Role
    from upstream.directory.models import Service

    assert links.refer_url(officer, service) == f"/referrals/new/?service={service.pk}"
    assert links.refer_url(make_user("coord", force, Role.DIRECTORY_COORDINATOR), service) is None
    assert links.refer_url(officer, Service.objects.create(name="Elsewhere")) is None
    assert links.self_referral_url(service) is None


def test_the_refer_link_for_a_programme_and_a_known_person(officer, programme, person):
    url = links.refer_url(officer, programme=programme, person=person)
    assert url == f"/referrals/new/?programme={programme.pk}&person={person.pk}"
    Programme.objects.filter(pk=programme.pk).update(accepts_self_referrals=True)
    programme.refresh_from_db()
    assert links.self_referral_url(programme=programme) == f"/referrals/ask-for-help/?programme={programme.pk}"


def test_declines_for_capacity_feed_the_gap_analysis_by_service_and_need(make_referral, officer, caseworker, service):
    for reason in ("no_capacity", "no_capacity", "duplicate"):
        referral = make_referral(need_categories=["parenting"])
        referral = services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
        referral = services.acknowledge_referral(actor=caseworker, referral=referral, expected_version=referral.version)
        services.decline_referral(actor=caseworker, referral=referral, expected_version=referral.version, reason=reason)
    assert queries.decline_signals() == [
        {"service_id": str(service.pk), "decline_reason": "no_capacity", "need_category": "parenting", "count": 2}
    ]
    assert Referral.objects.filter(status=Status.DECLINED).count() == 3
