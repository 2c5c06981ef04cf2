"""The quality rubric against plans scored by hand, item by item."""

from __future__ import annotations

import pytest

from upstream.problems import rubric
from upstream.problems.models import ProblemPlan
from upstream.problems.rubric import ActionFacts, PlanFacts


def _points(result):
    return {i.item.key: i.points for i in result.items}


def test_the_rubric_is_versioned_and_its_maximum_is_42():
    # 14 items: 6 weighted double (analysis and assessment), 8 single; 2 points each: (6×2 + 8) × 2 = 40 + 2.
    assert rubric.RUBRIC_VERSION == "1"
    assert len(rubric.ITEMS) == 14
    assert rubric.MAXIMUM == 42
    assert {i.key for i in rubric.ITEMS if i.weight == 2} == {
        "triangle", "concentration", "hypothesis", "measures", "comparison", "displacement", "decision",
    }  # fmt: skip


def test_an_empty_plan_scores_nothing_and_everything_would_raise_it():
    result = rubric.score(PlanFacts())
    assert result.total == 0
    assert result.percent == 0
    assert len(result.raisers()) == 14
    # The double-weighted items come first: they add most.
    assert {r.item.key for r in result.raisers()[:7]} == {
        "triangle", "concentration", "hypothesis", "measures", "comparison", "displacement", "decision",
    }  # fmt: skip


POOR = PlanFacts(
    stage="response",
    data_source_police=(True,),
    triangle_sides=2,
    triangle_controllers=0,
    concentration_time=True,
    hypothesis=True,
    actions=(
        ActionFacts("enforcement", has_finding=True, has_owner=True, has_agency=True, has_due_date=True),
        ActionFacts("enforcement", has_finding=False, has_owner=True, has_agency=True, has_due_date=False),
    ),
    objective=True,
    baseline=True,
)
# Scored by hand: stages 1, sources 1, triangle 1 (×2), concentration 1 (×2), hypothesis 1 (×2), linked 1,
# not only enforcement 0, actions complete 1 (one of two), community 0, objective 1, measures 1 (×2),
# comparison 0, displacement 0, decision 0 → 1+1+2+2+2+1+0+1+0+1+2 = 13 of 42 = 31%.
POOR_POINTS = {
    "all_stages": 1, "data_sources": 1, "triangle": 1, "concentration": 1, "hypothesis": 1, "linked": 1,
    "not_only_enforcement": 0, "actions_complete": 1, "community": 0, "objective": 1, "measures": 1,
    "comparison": 0, "displacement": 0, "decision": 0,
}  # fmt: skip

GOOD = PlanFacts(
    stage="closed",
    data_source_police=(True, False),
    community_sources=1,
    triangle_sides=3,
    triangle_controllers=3,
    concentration_time=True,
    concentration_place=True,
    concentration_from_data=True,
    hypothesis=True,
    evidence=1,
    actions=(
        ActionFacts("natural_surveillance", has_finding=True, has_owner=True, has_agency=True, has_due_date=True),
        ActionFacts("engagement", has_finding=True, has_owner=True, has_agency=True, has_due_date=True),
    ),
    objective=True,
    impact=True,
    baseline=True,
    after=True,
    comparison_kind="comparison_area",
    comparison_complete=True,
    displacement_checked=True,
    displacement_note=True,
    decision=True,
    lessons=True,
)


@pytest.mark.parametrize(
    ("facts", "points", "total", "percent"),
    [(POOR, POOR_POINTS, 13, 31), (GOOD, dict.fromkeys(POOR_POINTS, 2), 42, 100)],
    ids=["poor", "good"],
)
def test_hand_scored_plans(facts, points, total, percent):
    result = rubric.score(facts)
    assert _points(result) == points
    assert (result.total, result.percent) == (total, percent)


def test_what_would_raise_a_poor_plan_names_the_next_step():
    raisers = {r.item.key: str(r.to_raise) for r in rubric.score(POOR).raisers()}
    assert raisers["triangle"] == "Describe all three sides with their handler, guardian and manager"
    assert raisers["comparison"] == "Choose a comparison area or an interrupted time series"
    assert raisers["not_only_enforcement"] == "Add an action that is not enforcement"
    assert "decision" in raisers
    assert "data_sources" in raisers


def test_a_second_police_source_is_not_enough_for_full_marks():
    assert _points(rubric.score(PlanFacts(data_source_police=(True, True))))["data_sources"] == 1
    assert _points(rubric.score(PlanFacts(data_source_police=(True, False))))["data_sources"] == 2


def test_a_stored_plan_is_scored_from_its_own_fields(closed_plan):
    # The closed_plan fixture has the least each gate needs. By hand: stages 2, sources 1 (one police source),
    # triangle 1×2 (sides, no controllers), concentration 0, hypothesis 1×2 (no evidence), linked 2,
    # not only enforcement 2 (lighting), actions complete 2, community 0, objective 2, measures 2×2,
    # comparison 0, displacement 0, decision 1×2 (no lessons) → 2+1+2+0+2+2+2+2+0+2+4+0+0+2 = 21 of 42 = 50%.
    result = rubric.score(rubric.facts_for(closed_plan))
    assert result.total == 21
    stored = ProblemPlan.objects.get(pk=closed_plan.pk)
    assert stored.score == 50
    assert stored.score_rubric_version == "1"
