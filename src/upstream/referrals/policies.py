"""Who may make, see and move referrals, and who runs programmes.

Roles first. Referring staff (officers, call handlers, partner caseworkers, supervisors) make and send
referrals. Receiving staff (partner caseworkers and supervisors) acknowledge, accept, decline, start and
close them. Supervisors and analysts read statistics. The directory co-ordinator and the administrator see
no referral at all: referrals are personal data.

Then scope, by side. A referral is within reach of the referring side when the actor's organisation sent
it and the actor holds a referring role; of the receiving side when it was sent to the actor's
organisation (never while still a draft: nothing is disclosed before it is sent) and the actor holds a
receiving role. So a caseworker never sees a referral between two other organisations.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from upstream.core.policy import allow, register_filter, register_scope, roles_of
from upstream.core.roles import Role
from upstream.referrals.models import Enrolment, Programme, Referral, Status

REFERRAL_VIEW = "referrals:referral:view"
REFERRAL_CREATE = "referrals:referral:create"
REFERRAL_SEND = "referrals:referral:send"
REFERRAL_WITHDRAW = "referrals:referral:withdraw"
REFERRAL_RECEIVE = "referrals:referral:receive"  # acknowledge, accept, decline, start, close
STATISTICS_VIEW = "referrals:statistics:view"
PROGRAMME_VIEW = "referrals:programme:view"
PROGRAMME_MANAGE = "referrals:programme:manage"
ENROLMENT_VIEW = "referrals:enrolment:view"
ENROLMENT_MANAGE = "referrals:enrolment:manage"
SELF_REFER = "referrals:referral:self-refer"
REFERRAL_ERASE = "referrals:referral:erase"
# Force-wide counts of referrals declined for capacity or eligibility, for the directory's gap analysis:
# counts by need and area, never a referral, so those who commission and keep services may see them.
DECLINE_COUNTS_VIEW = "referrals:declines:count"

REFERRING_ROLES = frozenset({Role.OFFICER, Role.CALL_HANDLER, Role.PARTNER_CASEWORKER, Role.SUPERVISOR})
RECEIVING_ROLES = frozenset({Role.PARTNER_CASEWORKER, Role.SUPERVISOR})

allow(REFERRAL_VIEW, REFERRING_ROLES | RECEIVING_ROLES)
allow(REFERRAL_CREATE, REFERRING_ROLES)
allow(REFERRAL_SEND, REFERRING_ROLES)
allow(REFERRAL_WITHDRAW, REFERRING_ROLES | RECEIVING_ROLES)
allow(REFERRAL_RECEIVE, RECEIVING_ROLES)
allow(STATISTICS_VIEW, [Role.SUPERVISOR, Role.ANALYST])
allow(PROGRAMME_VIEW, REFERRING_ROLES | RECEIVING_ROLES | {Role.ANALYST})
allow(PROGRAMME_MANAGE, [Role.SUPERVISOR])
allow(ENROLMENT_VIEW, RECEIVING_ROLES)
allow(ENROLMENT_MANAGE, RECEIVING_ROLES)
allow(SELF_REFER, ["public"])
# Erasing what a closed referral says about a person is a supervisor's decision, as erasing a person is.
allow(REFERRAL_ERASE, [Role.SUPERVISOR])
allow(DECLINE_COUNTS_VIEW, [Role.SUPERVISOR, Role.ANALYST, Role.DIRECTORY_COORDINATOR])

# The status each receiving-side move leads to, and the one referrer-side move besides sending.
RECEIVING_MOVES = frozenset(
    {Status.RECEIVED, Status.ACCEPTED, Status.DECLINED, Status.IN_PROGRESS, Status.COMPLETED, Status.NOT_ENGAGED}
)


def _organisation(actor: Any) -> int | None:
    return getattr(actor, "organisation_id", None)


def on_referring_side(actor: Any, referral: Referral) -> bool:
    """Returns whether the actor works for the organisation that made the referral, in a referring role."""
    organisation_id = _organisation(actor)
    return (
        organisation_id is not None
        and referral.referring_organisation_id == organisation_id
        and bool(roles_of(actor) & REFERRING_ROLES)
    )


def on_receiving_side(actor: Any, referral: Referral) -> bool:
    """Returns whether the actor works for the organisation the referral was sent to, in a receiving role."""
    organisation_id = _organisation(actor)
    return (
        organisation_id is not None
        and referral.receiving_organisation_id == organisation_id
        and referral.status != Status.DRAFT
        and bool(roles_of(actor) & RECEIVING_ROLES)
    )


def referral_in_scope(actor: Any, referral: Referral) -> bool:
    """Returns whether the referral is within the actor's reach on either side."""
    return on_referring_side(actor, referral) or on_receiving_side(actor, referral)


def referral_filter(actor: Any, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Returns the referrals within the actor's reach, as one query (the same rules as referral_in_scope)."""
    organisation_id = _organisation(actor)
    if organisation_id is None:
        return queryset.none()
    roles = roles_of(actor)
    reach = Q(pk__in=[])
    if roles & REFERRING_ROLES:
        reach |= Q(referring_organisation_id=organisation_id)
    if roles & RECEIVING_ROLES:
        reach |= Q(receiving_organisation_id=organisation_id) & ~Q(status=Status.DRAFT)
    return queryset.filter(reach)


def programme_in_scope(_actor: Any, _programme: Programme) -> bool:
    """Returns True: programmes describe services, not people, so every permitted role may read them."""
    return True


def enrolment_in_scope(actor: Any, enrolment: Enrolment) -> bool:
    """Returns whether the enrolment is on a programme the actor's organisation runs."""
    organisation_id = _organisation(actor)
    return organisation_id is not None and enrolment.programme.organisation_id == organisation_id


register_scope(Referral, referral_in_scope)
register_filter(Referral, referral_filter)
register_scope(Programme, programme_in_scope)
register_filter(Programme, lambda _actor, queryset: queryset)
register_scope(Enrolment, enrolment_in_scope)
register_filter(
    Enrolment,
    lambda actor, queryset: (
        queryset.filter(programme__organisation_id=_organisation(actor))
        if _organisation(actor) is not None
        else queryset.none()
    ),
)
