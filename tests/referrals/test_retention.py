"""Retention: closed referrals come up for review six years after they close; a supervisor decides, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upstream.core.models import AuditEvent
from upstream.referrals import queries, services
from upstream.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _withdrawn(make_referral, officer, *, years_ago, days=0):
    referral = make_referral()
    referral = services.withdraw_referral(actor=officer, referral=referral, expected_version=referral.version)
    closed = timezone.now() - dt.timedelta(days=365 * years_ago + 2 + days)
    Referral.objects.filter(pk=referral.pk).update(withdrawn_at=closed)
    return Referral.objects.get(pk=referral.pk)


def test_a_referral_closed_over_six_years_ago_is_due_and_one_closed_five_years_ago_is_not(
    make_referral, officer, supervisor
):
    old = _withdrawn(make_referral, officer, years_ago=6, days=3)
    recent = _withdrawn(make_referral, officer, years_ago=5)
    still_open = make_referral()
    page = queries.retention_review(supervisor)
    assert [r.pk for r in page.referrals] == [old.pk]
    assert queries.retention_due_count(supervisor) == 1
    assert queries.is_due_for_retention_review(old)
    assert not queries.is_due_for_retention_review(recent)
    assert not queries.is_due_for_retention_review(still_open)
    event = AuditEvent.objects.filter(tag="referrals:referral:list").order_by("-sequence").first()
    assert event.detail["box"] == "retention"
    assert event.detail["ids"] == [old.pk]
    # Once a supervisor erases its details, it leaves the list.
    services.erase_referral(actor=supervisor, referral=old, reason="retention review: nothing to keep")
    assert queries.retention_review(supervisor).total == 0


def test_only_those_who_may_erase_see_the_review_and_only_within_their_reach(
    make_referral, officer, make_user, charity, signed_in
):
    from upstream.core.roles import Role

    _withdrawn(make_referral, officer, years_ago=7)
    other_supervisor = make_user("charity-supervisor", charity, Role.SUPERVISOR)
    assert queries.retention_review(other_supervisor).total == 0
    assert queries.retention_due_count(officer) == 0
    client = signed_in(officer)
    assert client.get("/referrals/retention/").status_code == 403


def test_the_pages_show_what_is_due(make_referral, officer, supervisor, signed_in):
    old = _withdrawn(make_referral, officer, years_ago=7)
    client = signed_in(supervisor)
    listed = client.get("/referrals/retention/").content.decode()
    assert old.reference in listed
    assert "1 referral due" in listed
    assert "Due for retention review (1)" in client.get("/referrals/sent/").content.decode()
    detail = client.get(f"/referrals/{old.pk}/").content.decode()
    assert "Due for its retention review" in detail


def test_the_review_date_on_29_february_falls_on_28_february():
    assert queries.retention_cutoff(dt.date(2028, 2, 29)).date() == dt.date(2022, 2, 28)
    assert queries.retention_cutoff(dt.date(2026, 11, 23)).date() == dt.date(2020, 11, 23)
