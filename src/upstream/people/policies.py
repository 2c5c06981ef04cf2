"""Who may see and change people and households.

Roles first: front-line roles and analysts may look people up; those who record casework may add and
correct them; only supervisors erase, share and read who has looked at a person. The directory
co-ordinator and the administrator have no access to personal data at all.

Then scope: a person or household is within reach when the actor's organisation is its controller, or
when an unexpired, unrevoked AccessGrant names the actor's organisation or the actor. So a partner's staff
never see the force's people unless the force shared them, and the other way round.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from upstream.core.models import AccessGrant
from upstream.core.policy import allow, register_filter, register_scope, same_organisation
from upstream.core.roles import Role
from upstream.people.models import Household, Person

PERSON_VIEW = "people:person:view"
PERSON_CREATE = "people:person:create"
PERSON_UPDATE = "people:person:update"
PERSON_ERASE = "people:person:erase"
PERSON_SHARE = "people:person:share"
PERSON_LINK = "people:person:link"
PERSON_ACCESS_LOG = "people:person:access-log"
HOUSEHOLD_VIEW = "people:household:view"
HOUSEHOLD_CREATE = "people:household:create"
HOUSEHOLD_UPDATE = "people:household:update"

VIEWERS = [Role.OFFICER, Role.CALL_HANDLER, Role.ANALYST, Role.SUPERVISOR, Role.PARTNER_CASEWORKER]
RECORDERS = [Role.OFFICER, Role.CALL_HANDLER, Role.SUPERVISOR, Role.PARTNER_CASEWORKER]

allow(PERSON_VIEW, VIEWERS)
allow(PERSON_CREATE, RECORDERS)
allow(PERSON_UPDATE, RECORDERS)
allow(PERSON_ERASE, [Role.SUPERVISOR])
allow(PERSON_SHARE, [Role.SUPERVISOR])
allow(PERSON_ACCESS_LOG, [Role.SUPERVISOR])
# Linking a casework person to the analytics side's resolved person is a combination of records: analysts
# do it from their linkage review, supervisors from the person page.
allow(PERSON_LINK, [Role.ANALYST, Role.SUPERVISOR])
allow(HOUSEHOLD_VIEW, VIEWERS)
allow(HOUSEHOLD_CREATE, RECORDERS)
allow(HOUSEHOLD_UPDATE, RECORDERS)

PERSON_OBJECT_TYPE = "people.person"
HOUSEHOLD_OBJECT_TYPE = "people.household"


def live_grants(actor: Any, object_type: str) -> QuerySet[AccessGrant]:
    """Returns the grants of one object type that reach the actor now (by organisation or by name)."""
    now = timezone.now()
    to_actor = Q(granted_to_user_id=actor.pk)
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is not None:
        to_actor |= Q(granted_to_organisation_id=organisation_id)
    return AccessGrant.objects.filter(
        to_actor,
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        object_type=object_type,
        revoked_at__isnull=True,
    )


def _shared_with(actor: Any, object_type: str, pk: int) -> bool:
    return live_grants(actor, object_type).filter(object_id=str(pk)).exists()


def person_in_scope(actor: Any, person: Person) -> bool:
    """Returns whether the person is held by the actor's organisation or shared with the actor."""
    if same_organisation(actor, person.controller_id):
        return True
    return person.pk is not None and _shared_with(actor, PERSON_OBJECT_TYPE, person.pk)


def household_in_scope(actor: Any, household: Household) -> bool:
    """Returns whether the household is held by the actor's organisation or shared with the actor."""
    if same_organisation(actor, household.controller_id):
        return True
    return household.pk is not None and _shared_with(actor, HOUSEHOLD_OBJECT_TYPE, household.pk)


def _scope_filter(object_type: str) -> Any:
    def scope_filter(actor: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The same two ways in as the record check above, as one query: held by the actor's organisation,
        # or named in a live grant (grant object ids are text, so they are cast to match the key).
        shared_ids = (
            live_grants(actor, object_type).annotate(shared_id=Cast("object_id", BigIntegerField())).values("shared_id")
        )
        reach = Q(pk__in=shared_ids)
        organisation_id = getattr(actor, "organisation_id", None)
        if organisation_id is not None:
            reach |= Q(controller_id=organisation_id)
        return queryset.filter(reach)

    return scope_filter


def is_controller(actor: Any, record: Person | Household) -> bool:
    """Returns whether the actor works for the record's controller (a grant lets others read, not change)."""
    return same_organisation(actor, record.controller_id)


register_scope(Person, person_in_scope)
register_filter(Person, _scope_filter(PERSON_OBJECT_TYPE))
register_scope(Household, household_in_scope)
register_filter(Household, _scope_filter(HOUSEHOLD_OBJECT_TYPE))
