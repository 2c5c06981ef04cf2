"""The demo decides two pairs of the review queue (a match and an unsure), once."""

from __future__ import annotations

import pytest

from upstream.demo.registry import DemoContext, discover_steps, run_demo
from upstream.records.models import Decision, LinkDecision

pytestmark = pytest.mark.django_db

STEPS = {"upstream.places.demo", "upstream.demo.organisations", "upstream.triggers.demo", "upstream.records.demo"}


def _demo():
    context = DemoContext(seed=2026)
    return run_demo(context, steps=[s for s in discover_steps() if s.name in STEPS])


def test_the_demo_review_queue_has_a_match_and_an_unsure_and_a_second_run_adds_nothing():
    _demo()
    assert sorted(LinkDecision.objects.values_list("decision", flat=True)) == [Decision.MATCH, Decision.UNSURE]
    _demo()
    assert LinkDecision.objects.count() == 2
