"""The demo gives a few hundred referrals in every state over two years, the same for the same seed."""

from __future__ import annotations

import pytest

from upstream.demo.registry import DemoContext, discover_steps, run_demo
from upstream.referrals.models import Enrolment, Programme, Referral, ReferralEvent, Status

# The demo runs the places analysis too, on DuckDB 2, which warns through Ibis 12 about a renamed Arrow method.
pytestmark = pytest.mark.django_db


def build(seed):
    steps = [
        s
        for s in discover_steps()
        if s.name in {"upstream.places.demo", "upstream.demo.organisations", "upstream.referrals.demo"}
    ]
    return run_demo(DemoContext(seed=seed), steps=steps)


def fingerprint():
    return list(
        Referral.objects.order_by("source_reference").values_list(
            "source_reference", "status", "person_age_band", "programme__name"
        )
    )


def test_the_demo_has_referrals_in_every_state_across_two_years_and_programmes():
    build(7)
    referrals = Referral.objects.all()
    assert 300 <= referrals.count() <= 400
    assert set(referrals.values_list("status", flat=True)) == set(Status.values)
    assert Programme.objects.filter(name="Domestic abuse perpetrator programme", places=432).exists()
    oldest = referrals.order_by("created_at").first().created_at
    newest = referrals.order_by("-created_at").first().created_at
    assert (newest - oldest).days > 600
    # Every referral's history starts as a draft and ends at its status.
    for referral in referrals[:50]:
        events = list(ReferralEvent.objects.filter(referral=referral).order_by("occurred_at", "pk"))
        assert events[0].to_status == Status.DRAFT
        assert events[-1].to_status == referral.status
        assert referral.version == len(events)
    assert Enrolment.objects.exists()
    assert all(r.has_basis for r in referrals)


def test_the_same_seed_gives_the_same_referrals_and_a_second_run_adds_none():
    build(7)
    first = fingerprint()
    results = build(7)
    assert fingerprint() == first
    assert results[-1].counts["referrals created"] == 0
