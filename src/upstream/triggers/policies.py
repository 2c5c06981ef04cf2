"""Who may see and act on the trigger queue and the repeat and frequent demand lists.

Roles first. Analysts and supervisors work the queue: they see it, open a trigger's evidence, review,
assign to a neighbourhood team and dismiss. Turning a trigger into a referral also needs the referrals
policy's "create" (supervisors hold it; analysts do not make referrals). Starting a run is for analysts
and supervisors; the disparity report is for them too. Officers see the repeat and frequent demand lists,
which feed problem solving in their neighbourhoods, but not the trigger queue, which is about children.

Then scope: a trigger, a run and a demand list belong to the organisation that ran the rules on its
records; nobody in another organisation sees them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from upstream.core.policy import allow, register_filter, register_scope, same_organisation
from upstream.core.roles import Role
from upstream.triggers.models import DemandEntry, Trigger, TriggerRun

TRIGGER_VIEW = "triggers:trigger:view"
TRIGGER_DECIDE = "triggers:trigger:decide"  # review, assign, dismiss, turn into a referral
RUN_VIEW = "triggers:run:view"
RUN_START = "triggers:run:start"
DEMAND_VIEW = "triggers:demand:view"
DISPARITY_VIEW = "triggers:disparity:view"

QUEUE_ROLES = frozenset({Role.ANALYST, Role.SUPERVISOR})

allow(TRIGGER_VIEW, QUEUE_ROLES)
allow(TRIGGER_DECIDE, QUEUE_ROLES)
allow(RUN_VIEW, QUEUE_ROLES)
allow(RUN_START, QUEUE_ROLES)
allow(DEMAND_VIEW, QUEUE_ROLES | {Role.OFFICER})
allow(DISPARITY_VIEW, QUEUE_ROLES)


def in_own_organisation(actor: Any, record: Any) -> bool:
    """Returns whether a trigger or run belongs to the actor's organisation."""
    return same_organisation(actor, record.organisation_id)


def _organisation_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return queryset.none()
    return queryset.filter(organisation_id=organisation_id)


def _entry_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return queryset.none()
    return queryset.filter(run__organisation_id=organisation_id)


register_scope(Trigger, in_own_organisation)
register_filter(Trigger, _organisation_filter)
register_scope(TriggerRun, in_own_organisation)
register_filter(TriggerRun, _organisation_filter)
register_scope(DemandEntry, lambda actor, entry: same_organisation(actor, entry.run.organisation_id))
register_filter(DemandEntry, _entry_filter)
