"""The demo decides the first pairs of the review queue (a match, then an unsure), once."""

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
    decided = list(LinkDecision.objects.order_by("decided_at", "pk").values_list("decision", flat=True))
    # The demo force leaves one or two uncertain pairs (model v2 leaves one): the first is always the match.
    assert decided in ([Decision.MATCH], [Decision.MATCH, Decision.UNSURE])
    _demo()
    assert LinkDecision.objects.count() == len(decided)
