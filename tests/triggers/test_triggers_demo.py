"""The demo fills Avonmere Police's trigger queue in every state, and a second run changes nothing."""

from __future__ import annotations

import pytest

from upstream.demo.registry import DemoContext, discover_steps, run_demo
from upstream.triggers.models import DemandEntry, Level, Trigger, TriggerRun, TriggerStatus

pytestmark = pytest.mark.django_db

STEPS = {"upstream.places.demo", "upstream.demo.organisations", "upstream.triggers.demo"}


def _demo():
    context = DemoContext(seed=2026)
    return run_demo(context, steps=[s for s in discover_steps() if s.name in STEPS])


def test_the_demo_queue_has_children_in_demo_areas_and_every_decision():
    _demo()
    triggers = Trigger.objects.all()
    assert triggers.filter(level=Level.REFERRAL).exists()
    assert triggers.filter(level=Level.EMERGING).exists()
    assert all(t.area is not None and t.area.code.startswith("Z01") for t in triggers if t.area_code)
    assert {TriggerStatus.NEW, TriggerStatus.REVIEWED, TriggerStatus.ASSIGNED, TriggerStatus.DISMISSED} <= set(
        triggers.values_list("status", flat=True)
    )
    assert triggers.get(status=TriggerStatus.ASSIGNED).team.is_neighbourhood_team
    assert DemandEntry.objects.exists()
    before = (TriggerRun.objects.count(), list(triggers.order_by("pk").values_list("pk", "status", "version")))
    _demo()
    assert (TriggerRun.objects.count(), list(triggers.order_by("pk").values_list("pk", "status", "version"))) == before
