"""Who may see and change problem-solving plans.

Roles first: the force's officers, analysts and supervisors work plans; call handlers read them; partner
caseworkers read the plans their organisation joined and update their own organisation's actions.
Supervisors approve stage moves and may override a plan's quality score.

Then scope: a plan is within reach of its owning organisation's staff and of the staff of the partner
organisations that joined it. A partner changes only actions whose agency is their own organisation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from upstream.core.policy import allow, register_filter, register_scope, same_organisation
from upstream.core.roles import Role
from upstream.problems.models import Action, PlanPartner, ProblemPlan

PLAN_VIEW = "problems:plan:view"
PLAN_CREATE = "problems:plan:create"
PLAN_UPDATE = "problems:plan:update"
PLAN_MOVE = "problems:plan:move"
PLAN_APPROVE = "problems:plan:approve"
PLAN_PARTNER = "problems:plan:partner"
SCORE_OVERRIDE = "problems:score:override"
ACTION_CREATE = "problems:action:create"
ACTION_UPDATE = "problems:action:update"
SURVEY_ATTACH = "problems:survey:attach"
DASHBOARD_VIEW = "problems:dashboard:view"

WORKERS = [Role.OFFICER, Role.ANALYST, Role.SUPERVISOR]
VIEWERS = [*WORKERS, Role.CALL_HANDLER, Role.PARTNER_CASEWORKER]

allow(PLAN_VIEW, VIEWERS)
allow(PLAN_CREATE, WORKERS)
allow(PLAN_UPDATE, WORKERS)
allow(PLAN_MOVE, WORKERS)
allow(PLAN_APPROVE, [Role.SUPERVISOR])
allow(PLAN_PARTNER, WORKERS)
allow(SCORE_OVERRIDE, [Role.SUPERVISOR])
allow(ACTION_CREATE, [*WORKERS, Role.PARTNER_CASEWORKER])
allow(ACTION_UPDATE, [*WORKERS, Role.PARTNER_CASEWORKER])
allow(SURVEY_ATTACH, [*WORKERS, Role.PARTNER_CASEWORKER])
allow(DASHBOARD_VIEW, VIEWERS)


def is_owner_staff(actor: Any, plan: ProblemPlan) -> bool:
    """Returns whether the actor works for the organisation that owns the plan."""
    return same_organisation(actor, plan.organisation_id)


def is_partner_staff(actor: Any, plan: ProblemPlan) -> bool:
    """Returns whether the actor works for a partner organisation that joined the plan."""
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None or plan.pk is None:
        return False
    return PlanPartner.objects.filter(plan_id=plan.pk, organisation_id=organisation_id).exists()


def plan_in_scope(actor: Any, plan: ProblemPlan) -> bool:
    """Returns whether the plan is owned by the actor's organisation or joined by it."""
    return is_owner_staff(actor, plan) or is_partner_staff(actor, plan)


def may_change_action(actor: Any, action: Action) -> bool:
    """Returns whether the actor may update the action: the owner's staff any, a partner only its own."""
    if is_owner_staff(actor, action.plan):
        return True
    organisation_id = getattr(actor, "organisation_id", None)
    return organisation_id is not None and action.agency_id == organisation_id and is_partner_staff(actor, action.plan)


def action_in_scope(actor: Any, action: Action) -> bool:
    """Returns whether the action's plan is within the actor's reach."""
    return plan_in_scope(actor, action.plan)


def _plan_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return queryset.none()
    joined = PlanPartner.objects.filter(organisation_id=organisation_id).values("plan_id")
    return queryset.filter(Q(organisation_id=organisation_id) | Q(pk__in=joined))


def _action_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(plan__in=_plan_filter(actor, ProblemPlan.objects.all()))


register_scope(ProblemPlan, plan_in_scope)
register_filter(ProblemPlan, _plan_filter)
register_scope(Action, action_in_scope)
register_filter(Action, _action_filter)
