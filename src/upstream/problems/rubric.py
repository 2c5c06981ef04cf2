"""The quality rubric for problem-solving plans, versioned (docs/problems.md explains each item).

The score is computed from the plan's own fields only, so anyone can check it by reading the plan. Each
item scores 0, 1 or 2; analysis and assessment items count double, because a plan that skips the analysis
or never measures its effect is the commonest failure of problem-oriented policing. The total is shown as
a percentage of the most a plan can score. Changing any item's rule means a new RUBRIC_VERSION.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RUBRIC_VERSION = "1"


@dataclass(frozen=True)
class ActionFacts:
    """What the rubric reads of one action."""

    technique: str
    has_finding: bool
    has_owner: bool
    has_agency: bool
    has_due_date: bool


@dataclass(frozen=True)
class PlanFacts:
    """What the rubric reads of a plan, gathered by facts_for() or written out by hand in tests."""

    stage: str = "scanning"
    data_source_police: tuple[bool, ...] = ()  # one entry per data source: is it police data?
    community_sources: int = 0  # community input and survey sources, and attached surveys
    triangle_sides: int = 0  # how many of offender, victim, location are described
    triangle_controllers: int = 0  # how many sides are described together with their controller
    concentration_time: bool = False
    concentration_place: bool = False
    concentration_from_data: bool = False
    hypothesis: bool = False
    evidence: int = 0
    actions: tuple[ActionFacts, ...] = ()
    objective: bool = False
    impact: bool = False
    baseline: bool = False
    after: bool = False
    comparison_kind: str = ""
    comparison_complete: bool = False
    displacement_checked: bool = False
    displacement_note: bool = False
    decision: bool = False
    lessons: bool = False
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    """One rubric item: what it checks, in which stage, its weight, its rule and how to raise it."""

    key: str
    label: str | Promise
    stage: str
    weight: int
    rule: Callable[[PlanFacts], int]
    to_one: str | Promise  # what earns 1 point
    to_two: str | Promise  # what earns 2 points


def _all_stages(f: PlanFacts) -> int:
    if f.stage == "closed":
        return 2
    return 1 if f.stage in ("response", "assessment") else 0


def _data_sources(f: PlanFacts) -> int:
    if len(f.data_source_police) >= 2 and not all(f.data_source_police):  # noqa: PLR2004 - the rubric's two
        return 2
    return 1 if f.data_source_police else 0


def _triangle(f: PlanFacts) -> int:
    if f.triangle_controllers >= 3:  # noqa: PLR2004 - the triangle's three sides
        return 2
    return 1 if f.triangle_sides >= 1 else 0


def _concentration(f: PlanFacts) -> int:
    if f.concentration_time and f.concentration_place and f.concentration_from_data:
        return 2
    return 1 if f.concentration_time or f.concentration_place else 0


def _hypothesis(f: PlanFacts) -> int:
    if f.hypothesis and f.evidence:
        return 2
    return 1 if f.hypothesis else 0


def _linked(f: PlanFacts) -> int:
    linked = sum(a.has_finding for a in f.actions)
    if f.actions and linked == len(f.actions):
        return 2
    return 1 if linked else 0


def _not_only_enforcement(f: PlanFacts) -> int:
    return 2 if any(a.technique != "enforcement" for a in f.actions) else 0


def _actions_complete(f: PlanFacts) -> int:
    complete = sum(a.has_owner and a.has_agency and a.has_due_date for a in f.actions)
    if f.actions and complete == len(f.actions):
        return 2
    return 1 if f.actions and complete * 2 >= len(f.actions) else 0


def _community(f: PlanFacts) -> int:
    engaged = any(a.technique == "engagement" for a in f.actions)
    if f.community_sources and engaged:
        return 2
    return 1 if f.community_sources or engaged else 0


def _objective(f: PlanFacts) -> int:
    if f.objective and f.impact:
        return 2
    return 1 if f.objective or f.impact else 0


def _measures(f: PlanFacts) -> int:
    if f.baseline and f.after:
        return 2
    return 1 if f.baseline else 0


def _comparison(f: PlanFacts) -> int:
    if f.comparison_kind and f.comparison_complete:
        return 2
    return 1 if f.comparison_kind else 0


def _displacement(f: PlanFacts) -> int:
    if f.displacement_checked and f.displacement_note:
        return 2
    return 1 if f.displacement_checked else 0


def _decision(f: PlanFacts) -> int:
    if f.decision and f.lessons:
        return 2
    return 1 if f.decision else 0


ITEMS: tuple[Item, ...] = (
    Item(
        "all_stages", _("All stages completed"), "all", 1, _all_stages,
        _("Reach the response stage"), _("Close the plan after its assessment"),
    ),
    Item(
        "data_sources", _("At least two data sources, one not police"), "scanning", 1, _data_sources,
        _("Add a data source"), _("Add a second data source that is not police data"),
    ),
    Item(
        "triangle", _("The triangle's three sides described with a controller"), "analysis", 2, _triangle,
        _("Describe the offender, the victim or the location"),
        _("Describe all three sides with their handler, guardian and manager"),
    ),
    Item(
        "concentration", _("Concentration in time and place shown from data"), "analysis", 2, _concentration,
        _("Describe when or where the problem concentrates"),
        _("Describe both, and confirm they are shown from data"),
    ),
    Item(
        "hypothesis", _("A causal hypothesis, with evidence consulted"), "analysis", 2, _hypothesis,
        _("Write a causal hypothesis"), _("Record the evidence you consulted, such as a toolkit entry"),
    ),
    Item(
        "linked", _("Each response linked to a finding"), "response", 1, _linked,
        _("Link an action to an analysis finding"), _("Link every action to a finding"),
    ),
    Item(
        "not_only_enforcement", _("At least one response that is not enforcement"), "response", 1,
        _not_only_enforcement, _("Add an action that is not enforcement"), _("Add an action that is not enforcement"),
    ),
    Item(
        "actions_complete", _("Every action with owner, agency and date"), "response", 1, _actions_complete,
        _("Give at least half the actions an owner, an agency and a due date"),
        _("Give every action an owner, an agency and a due date"),
    ),
    Item(
        "community", _("Community involved"), "response", 1, _community,
        _("Add community input or a survey, or an engagement action"), _("Have both community input and engagement"),
    ),
    Item(
        "objective", _("A SMART objective on the impact scale"), "response", 1, _objective,
        _("Write the objective or choose the impact aimed at"), _("Write the objective and choose the impact"),
    ),
    Item(
        "measures", _("A baseline and an after measure"), "assessment", 2, _measures,
        _("Record the baseline"), _("Record the after measure"),
    ),
    Item(
        "comparison", _("A comparison"), "assessment", 2, _comparison,
        _("Choose a comparison area or an interrupted time series"),
        _("Record the comparison area's figures before and after (or the series)"),
    ),
    Item(
        "displacement", _("Displacement checked"), "assessment", 2, _displacement,
        _("Check the surrounding areas for displacement"), _("Say what the displacement check found"),
    ),
    Item(
        "decision", _("A closing decision"), "assessment", 2, _decision,
        _("Record the decision"), _("Record the lessons learned"),
    ),
)  # fmt: skip

MAXIMUM = sum(2 * item.weight for item in ITEMS)


@dataclass(frozen=True)
class ItemScore:
    """One item's points, weighted, and what would raise it."""

    item: Item
    points: int

    @property
    def weighted(self) -> int:
        """Returns the item's points times its weight."""
        return self.points * self.item.weight

    @property
    def to_raise(self) -> str | Promise | None:
        """Returns what the plan needs for the item's next point, or None at full marks."""
        if self.points >= 2:  # noqa: PLR2004 - full marks
            return None
        return self.item.to_two if self.points == 1 else self.item.to_one

    @property
    def gain(self) -> int:
        """Returns how many weighted points the next step on this item would add."""
        return 0 if self.points >= 2 else self.item.weight  # noqa: PLR2004 - full marks


@dataclass(frozen=True)
class Score:
    """A plan's score under one rubric version."""

    items: tuple[ItemScore, ...]
    version: str = RUBRIC_VERSION

    @property
    def total(self) -> int:
        """Returns the weighted points the plan earned."""
        return sum(i.weighted for i in self.items)

    @property
    def maximum(self) -> int:
        """Returns the most a plan can earn."""
        return MAXIMUM

    @property
    def percent(self) -> int:
        """Returns the total as a whole percentage of the maximum."""
        return round(100 * self.total / self.maximum)

    def raisers(self) -> list[ItemScore]:
        """Returns the items below full marks, those whose next step adds most first."""
        return sorted((i for i in self.items if i.points < 2), key=lambda i: -i.gain)  # noqa: PLR2004


def score(facts: PlanFacts) -> Score:
    """Returns the rubric's score of a plan's facts."""
    points = []
    for item in ITEMS:
        value = item.rule(facts)
        if value not in (0, 1, 2):
            raise ValueError(f"Rubric item {item.key} gave {value}")
        points.append(ItemScore(item=item, points=value))
    return Score(items=tuple(points))


def facts_for(plan: object) -> PlanFacts:
    """Returns what the rubric reads of a stored plan (its fields, sources, actions, evidence and surveys)."""
    from upstream.problems.models import COMMUNITY_KINDS, ProblemPlan

    assert isinstance(plan, ProblemPlan)  # noqa: S101 - typed narrowly here so the rubric stays model-free
    sources = list(plan.data_sources.all())
    sides = [
        (plan.offender, plan.offender_handler),
        (plan.victim, plan.victim_guardian),
        (plan.location, plan.location_manager),
    ]
    actions = tuple(
        ActionFacts(
            technique=a.technique,
            has_finding=a.finding_id is not None,
            has_owner=bool(a.owner_name.strip()),
            has_agency=a.agency_id is not None,
            has_due_date=a.due_date is not None,
        )
        for a in plan.actions.all()
    )
    complete_comparison = (
        plan.comparison_kind == "comparison_area"
        and plan.comparison_area_id is not None
        and plan.comparison_baseline is not None
        and plan.comparison_after is not None
    ) or plan.comparison_kind == "time_series"
    return PlanFacts(
        stage=plan.stage,
        data_source_police=tuple(s.is_police for s in sources),
        community_sources=sum(s.kind in COMMUNITY_KINDS for s in sources) + plan.surveys.count(),
        triangle_sides=sum(bool(side.strip()) for side, _controller in sides),
        triangle_controllers=sum(bool(side.strip() and controller.strip()) for side, controller in sides),
        concentration_time=bool(plan.concentration_time.strip()),
        concentration_place=bool(plan.concentration_place.strip()),
        concentration_from_data=plan.concentration_from_data,
        hypothesis=bool(plan.hypothesis.strip()),
        evidence=plan.evidence.count(),
        actions=actions,
        objective=bool(plan.objective.strip()),
        impact=bool(plan.impact),
        baseline=plan.baseline_value is not None and plan.baseline_start is not None,
        after=plan.after_value is not None and plan.after_start is not None,
        comparison_kind=plan.comparison_kind,
        comparison_complete=complete_comparison,
        displacement_checked=plan.displacement_checked,
        displacement_note=bool(plan.displacement_note.strip()),
        decision=bool(plan.decision),
        lessons=bool(plan.lessons.strip()),
    )
