"""Every read of problem-solving plans: always given the actor, always narrowed by the policy.

Opening a plan is audited as a consultation, because a plan's notes may name people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.core import audit
from upstream.core.policy import PermissionDenied, can, require, role_allows, scoped
from upstream.problems import policies
from upstream.problems.measures import Change, change
from upstream.problems.models import (
    CLOSED_ACTION_STATUSES,
    STAGE_ORDER,
    Action,
    ProblemPlan,
    ProblemType,
    Stage,
)

AGE_BANDS: tuple[tuple[int, int | None, Any], ...] = (
    (0, 30, gettext_lazy("Under 30 days")),
    (30, 90, gettext_lazy("30 to 89 days")),
    (90, 180, gettext_lazy("90 to 179 days")),
    (180, 365, gettext_lazy("180 to 364 days")),
    (365, None, gettext_lazy("A year or more")),
)
SCORE_BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


def plans_in_scope(actor: Any, action: str = policies.PLAN_VIEW) -> QuerySet[ProblemPlan]:
    """Returns the plans the actor may take the action on."""
    return scoped(actor, action, ProblemPlan.objects.all())


def list_plans(
    actor: Any, *, area_id: int | None = None, team_id: int | None = None, stage: str | None = None
) -> QuerySet[ProblemPlan]:
    """Returns the plans the actor may see, filtered by area (or any area inside it), team and stage."""
    require(actor, policies.PLAN_VIEW)
    queryset = plans_in_scope(actor).select_related("area", "team", "organisation")
    return _filtered(queryset, area_id=area_id, team_id=team_id, stage=stage)


def _filtered(
    queryset: QuerySet[ProblemPlan], *, area_id: int | None, team_id: int | None, stage: str | None = None
) -> QuerySet[ProblemPlan]:
    if area_id:
        # An area filter takes the area and the areas up to three levels inside it (ward → neighbourhood).
        queryset = queryset.filter(models_q_area(area_id))
    if team_id:
        queryset = queryset.filter(team_id=team_id)
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset


def models_q_area(area_id: int) -> Any:
    """Returns a filter matching plans whose area is the given area or lies inside it."""
    from django.db.models import Q

    return (
        Q(area_id=area_id)
        | Q(area__parent_id=area_id)
        | Q(area__parent__parent_id=area_id)
        | Q(area__parent__parent__parent_id=area_id)
    )


def find_plan(actor: Any, plan_id: int | str, *, action: str = policies.PLAN_VIEW) -> ProblemPlan:
    """Returns a plan the actor may take the action on, without auditing; 404 when out of reach."""
    if not role_allows(actor, action):
        raise PermissionDenied(actor, action)
    try:
        plan = ProblemPlan.objects.select_related("area", "team", "organisation", "supervisor", "comparison_area").get(
            pk=int(plan_id)
        )
    except (ProblemPlan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # Out of reach answers exactly as "no such plan", so nobody learns another organisation's problems.
    if not can(actor, action, plan):
        raise Http404
    return plan


def get_plan(actor: Any, plan_id: int | str) -> ProblemPlan:
    """Returns a plan the actor may see, auditing the look as a consultation."""
    plan = find_plan(actor, plan_id)
    audit.record(actor=actor, tag=audit.AuditTag.PROBLEMS_PLAN_VIEW, obj=plan, purpose=_("problem solving"))
    return plan


def find_action(actor: Any, plan: ProblemPlan, action_id: int | str) -> Action:
    """Returns one of the plan's actions; 404 when it is not the plan's."""
    require(actor, policies.PLAN_VIEW, plan)
    try:
        return Action.objects.select_related("plan", "agency", "finding").get(pk=int(action_id), plan=plan)
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def measured_change(plan: ProblemPlan) -> Change | None:
    """Returns the plan's change from baseline to after, against its comparison area where recorded."""
    if plan.baseline_value is None or plan.after_value is None:
        return None
    return change(plan.baseline_value, plan.after_value, plan.comparison_baseline, plan.comparison_after)


@dataclass
class Table:
    """One dashboard table: a title, its column headings and its rows."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Dashboard:
    """The problem-solving dashboard's figures, each as a table."""

    tables: list[Table]
    plan_count: int
    open_count: int
    overdue_count: int


def _age_band(days: int) -> str:
    for low, high, label in AGE_BANDS:
        if days >= low and (high is None or days < high):
            return str(label)
    return str(AGE_BANDS[-1][2])


def dashboard(
    actor: Any, *, area_id: int | None = None, team_id: int | None = None, today: dt.date | None = None
) -> Dashboard:
    """Returns the dashboard's figures for the plans the actor may see, filtered by area and team."""
    require(actor, policies.DASHBOARD_VIEW)
    today = today or timezone.localdate()
    plans = _filtered(plans_in_scope(actor), area_id=area_id, team_id=team_id)
    all_plans = list(plans.select_related("area", "team"))
    open_plans = [p for p in all_plans if p.stage != Stage.CLOSED]

    stage_counts = Counter(p.stage for p in all_plans)
    by_stage = Table("stage", _("Plans by stage"), [_("Stage"), _("Plans")])
    by_stage.rows = [[str(Stage(s).label), stage_counts.get(s, 0)] for s in STAGE_ORDER]

    by_area = Table("area", _("Open plans by area"), [_("Area"), _("Plans")])
    by_area.rows = [
        [name, n] for name, n in sorted(Counter(p.area.name for p in open_plans).items(), key=lambda x: (-x[1], x[0]))
    ]

    by_team = Table("team", _("Open plans by team"), [_("Team"), _("Plans")])
    by_team.rows = [
        [name, n] for name, n in sorted(Counter(p.team.name for p in open_plans).items(), key=lambda x: (-x[1], x[0]))
    ]

    ages = Counter(_age_band((today - timezone.localtime(p.created_at).date()).days) for p in open_plans)
    by_age = Table("age", _("Open plans by age"), [_("Age"), _("Plans")])
    by_age.rows = [[str(label), ages.get(str(label), 0)] for _low, _high, label in AGE_BANDS]

    overdue_actions = list(
        Action.objects.filter(plan__in=plans, due_date__lt=today)
        .exclude(status__in=CLOSED_ACTION_STATUSES)
        .exclude(plan__stage=Stage.CLOSED)
        .select_related("plan", "agency")
        .order_by("due_date", "pk")
    )
    overdue = Table("overdue", _("Overdue actions"), [_("Plan"), _("Action"), _("Agency"), _("Due"), _("Days overdue")])
    overdue.rows = [
        [
            a.plan.reference,
            a.description[:80],
            a.agency.name if a.agency else "",
            a.due_date.isoformat(),
            (today - a.due_date).days,
        ]
        for a in overdue_actions
        if a.due_date is not None
    ]

    scores = Table("scores", _("Quality score distribution"), [_("Score"), _("Plans")])
    scores.rows = [
        [f"{low}–{high}%", sum(low <= p.effective_score <= high for p in all_plans)] for low, high in SCORE_BANDS
    ]

    trend = Table(
        "trend", _("Average quality score by month the plan was started"), [_("Month"), _("Plans"), _("Average score")]
    )
    monthly = (
        plans.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"), average=Avg("score"))
        .order_by("month")
    )
    trend.rows = [[row["month"].strftime("%Y-%m"), row["n"], round(row["average"] or 0)] for row in monthly]

    reduced = Table(
        "reduced",
        _("Closed plans with a measured reduction"),
        [_("Plan"), _("Title"), _("Change"), _("Change beyond comparison area")],
    )
    for plan in sorted((p for p in all_plans if p.stage == Stage.CLOSED), key=lambda p: p.pk):
        measured = measured_change(plan)
        if measured is None or not measured.is_reduction:
            continue
        pct = f"{measured.percent:.0f}%" if measured.percent is not None else ""
        relative = f"{measured.relative_percent:.0f}%" if measured.relative_percent is not None else ""
        reduced.rows.append([plan.reference, plan.title, pct, relative])

    types = Table("types", _("Top problem types"), [_("Problem type"), _("Plans")])
    type_counts = Counter(p.problem_type for p in all_plans)
    types.rows = [
        [str(ProblemType(t).label), n] for t, n in sorted(type_counts.items(), key=lambda x: (-x[1], x[0]))[:5]
    ]

    return Dashboard(
        tables=[by_stage, by_area, by_team, by_age, overdue, scores, trend, reduced, types],
        plan_count=len(all_plans),
        open_count=len(open_plans),
        overdue_count=len(overdue.rows),
    )


def export_dashboard(actor: Any, board: Dashboard) -> None:
    """Records that the actor exported the dashboard, as a disclosure of its figures."""
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PROBLEMS_DASHBOARD_EXPORT,
        object_type="problems.dashboard",
        detail={"plans": board.plan_count},
    )


def waiting_for_approval(actor: Any) -> int | None:
    """Returns how many plans wait for the supervisor's approval of a stage move (the home panel's figure)."""
    if not role_allows(actor, policies.PLAN_APPROVE):
        return None
    return plans_in_scope(actor).filter(organisation_id=actor.organisation_id).exclude(pending_stage="").count()


# --- measures worked out from data ---------------------------------------------------------------------


def automatic_measure(actor: Any, plan: ProblemPlan, *, today: dt.date | None = None) -> Any:
    """Returns the plan's before/after counts from the records store or police.uk (or why there are none)."""
    from upstream.problems import records_measures

    require(actor, policies.PLAN_VIEW, plan)
    return records_measures.automatic_measure(plan, today=today)


def concentration(actor: Any, plan: ProblemPlan, *, today: dt.date | None = None) -> Any:
    """Returns how the plan's events concentrate in places, people and time (or why it cannot say)."""
    from upstream.problems import records_measures

    require(actor, policies.PLAN_VIEW, plan)
    return records_measures.concentration(plan, today=today)


def open_plans_geojson(actor: Any, *, area_id: int | None = None, team_id: int | None = None) -> dict[str, Any]:
    """Returns the open plans the actor may see as GeoJSON points (the plan's point, else its area's centre).

    Plans with neither are left out of the map; the table beside the map lists every open plan.
    """
    require(actor, policies.DASHBOARD_VIEW)
    plans = _filtered(plans_in_scope(actor), area_id=area_id, team_id=team_id).exclude(stage=Stage.CLOSED)
    features = []
    for plan in plans.select_related("area", "team").order_by("pk"):
        point = _plan_point(plan)
        if point is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(point[1], 6), round(point[0], 6)]},
                "properties": {
                    "reference": plan.reference,
                    "title": plan.title,
                    "stage": str(Stage(plan.stage).label),
                    "area": plan.area.name,
                    "team": plan.team.name,
                    "placed_by": "plan" if plan.latitude is not None else "area",
                    "id": plan.pk,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _plan_point(plan: ProblemPlan) -> tuple[float, float] | None:
    if plan.latitude is not None and plan.longitude is not None:
        return plan.latitude, plan.longitude
    if plan.area.centroid_latitude is not None and plan.area.centroid_longitude is not None:
        return plan.area.centroid_latitude, plan.area.centroid_longitude
    return None


def open_plans_table(actor: Any, *, area_id: int | None = None, team_id: int | None = None) -> Table:
    """Returns the open plans the actor may see, with where each is on the map (the table beside the map)."""
    require(actor, policies.DASHBOARD_VIEW)
    plans = _filtered(plans_in_scope(actor), area_id=area_id, team_id=team_id).exclude(stage=Stage.CLOSED)
    table = Table(
        "map",
        _("Open plans on the map"),
        [_("Plan"), _("Title"), _("Stage"), _("Area"), _("Where on the map")],
    )
    for plan in plans.select_related("area").order_by("pk"):
        if plan.latitude is not None and plan.longitude is not None:
            where = _("At the plan's point (%(lat).4f, %(lon).4f)") % {"lat": plan.latitude, "lon": plan.longitude}
        elif _plan_point(plan) is not None:
            where = _("At the centre of %(area)s") % {"area": plan.area.name}
        else:
            where = _("Not on the map: no point or area boundary")
        table.rows.append([plan.reference, plan.title, str(Stage(plan.stage).label), plan.area.name, where])
    return table
