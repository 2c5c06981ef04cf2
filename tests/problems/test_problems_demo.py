"""The demo gives about forty plans in every stage, good and poor, the same for the same seed."""

from __future__ import annotations

import pytest

from upstream.demo.registry import DemoContext, discover_steps, run_demo
from upstream.problems import gates, rubric
from upstream.problems.models import Action, PlanPartner, ProblemPlan, Stage

# The demo runs the places analysis too, on DuckDB 2, which warns through Ibis 12 about a renamed Arrow method.
pytestmark = pytest.mark.django_db


def build(seed):
    wanted = {"upstream.places.demo", "upstream.demo.organisations", "upstream.problems.demo"}
    return run_demo(DemoContext(seed=seed), steps=[s for s in discover_steps() if s.name in wanted])


def fingerprint():
    return list(ProblemPlan.objects.order_by("title").values_list("title", "stage", "score", "team__name"))


def test_the_demo_has_plans_in_every_stage_good_and_poor():
    build(7)
    plans = ProblemPlan.objects.all()
    assert plans.count() == 40
    assert set(plans.values_list("stage", flat=True)) == set(Stage.values)
    scores = [p.score for p in plans]
    assert min(scores) < 30
    assert max(scores) > 80
    # Every plan past a stage holds what that stage's gate asks for, as if it had been moved through the services.
    for plan in plans.exclude(stage=Stage.SCANNING):
        previous = gates.STAGE_ORDER[gates.STAGE_ORDER.index(Stage(plan.stage)) - 1]
        plan.stage = previous
        assert gates.missing_for(plan, gates.STAGE_ORDER[gates.STAGE_ORDER.index(previous) + 1]) == []
    # The stored score is the rubric's.
    for plan in plans[:10]:
        assert plan.score == rubric.score(rubric.facts_for(plan)).percent
    # The demo caseworker's organisation has joined some plans and owns actions on them.
    harbour = PlanPartner.objects.filter(organisation__name="Harbour Light Family Support")
    assert harbour.exists()
    assert Action.objects.filter(agency__name="Harbour Light Family Support").exists()


def test_the_same_seed_gives_the_same_plans_and_a_second_run_adds_none():
    build(7)
    first = fingerprint()
    results = build(7)
    assert fingerprint() == first
    assert next(r for r in results if r.step.name == "upstream.problems.demo").counts["plans created"] == 0
