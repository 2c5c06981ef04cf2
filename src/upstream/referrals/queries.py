"""Every read of referrals, programmes and enrolments: given the actor, narrowed by the policy, audited.

A referral page and a list shown are consultations of personal data (DPA 2018 s.62), so each is one audit
event; the list's event names the referrals shown, never the search words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from upstream.core import audit
from upstream.core.policy import PermissionDenied, can, require, role_allows, scoped
from upstream.referrals import policies
from upstream.referrals.models import (
    TRANSITIONS,
    Enrolment,
    EnrolmentStatus,
    Notification,
    Programme,
    Referral,
    ReferralEvent,
    Status,
)

PAGE_SIZE = 50

BOXES = ("inbox", "sent", "all")


@dataclass(frozen=True)
class ReferralPage:
    """One page of a list of referrals, with the total found."""

    referrals: list[Referral]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """Returns how many pages the list has."""
        return max(1, -(-self.total // self.page_size))


def referrals_in_scope(actor: Any, action: str = policies.REFERRAL_VIEW) -> QuerySet[Referral]:
    """Returns the referrals the actor may take the action on, without auditing (for counts and checks)."""
    return scoped(actor, action, Referral.objects.all())


def overdue_filter(today: dt.date | None = None) -> Q:
    """Returns the condition for a referral sent but not acknowledged by its target date."""
    today = today or timezone.localdate()
    return Q(status=Status.SENT, acknowledge_by__lt=today)


def is_overdue(referral: Referral, today: dt.date | None = None) -> bool:
    """Returns whether the referral is waiting past its acknowledgement target."""
    today = today or timezone.localdate()
    return referral.status == Status.SENT and referral.acknowledge_by is not None and referral.acknowledge_by < today


def list_referrals(
    actor: Any,
    *,
    box: str = "all",
    status: str | None = None,
    overdue: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    updated_after: dt.datetime | None = None,
) -> ReferralPage:
    """Returns one page of the referrals the actor may see (inbox: sent to us; sent: made by us), audited."""
    require(actor, policies.REFERRAL_VIEW)
    queryset = referrals_in_scope(actor).select_related(
        "service", "programme", "receiving_organisation", "referring_organisation", "referred_by", "person"
    )
    organisation_id = getattr(actor, "organisation_id", None)
    if box == "inbox":
        queryset = queryset.filter(receiving_organisation_id=organisation_id).exclude(status=Status.DRAFT)
    elif box == "sent":
        queryset = queryset.filter(referring_organisation_id=organisation_id)
    if status and status in Status.values:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(overdue_filter())
    if updated_after is not None:
        queryset = queryset.filter(updated_at__gt=updated_after)
    total = queryset.count()
    page = max(1, page)
    referrals = list(queryset.order_by("-created_at", "-pk")[(page - 1) * page_size : page * page_size])
    with transaction.atomic():
        audit.record(
            actor=actor,
            tag=audit.AuditTag.REFERRALS_REFERRAL_LIST,
            object_type="referrals.referral",
            detail={"ids": [r.pk for r in referrals], "box": box, "page": page},
        )
    return ReferralPage(referrals=referrals, total=total, page=page, page_size=page_size)


def find_referral(actor: Any, referral_id: int | str, *, action: str = policies.REFERRAL_VIEW) -> Referral:
    """Returns a referral the actor may take the action on, without auditing; 404 when out of reach."""
    if not role_allows(actor, action):
        raise PermissionDenied(actor, action)
    try:
        referral = Referral.objects.select_related(
            "service", "programme", "receiving_organisation", "referring_organisation", "referred_by", "person", "area"
        ).get(pk=int(referral_id))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # Out of scope answers exactly as "no such referral": nobody learns what another organisation sent.
    if not can(actor, action, referral):
        raise Http404
    return referral


def get_referral(actor: Any, referral_id: int | str) -> Referral:
    """Returns a referral the actor may see, auditing the look as a consultation."""
    referral = find_referral(actor, referral_id)
    with transaction.atomic():
        audit.record(
            actor=actor,
            tag=audit.AuditTag.REFERRALS_REFERRAL_VIEW,
            obj=referral,
            purpose=f"referral {referral.reference}",
        )
    return referral


def history_of(actor: Any, referral: Referral) -> list[ReferralEvent]:
    """Returns the referral's moves, oldest first."""
    require(actor, policies.REFERRAL_VIEW, referral)
    return list(referral.events.select_related("organisation").order_by("occurred_at", "pk"))


def allowed_moves(actor: Any, referral: Referral) -> list[str]:
    """Returns the statuses this actor may move the referral to now, in the order of the state machine."""
    possible = TRANSITIONS[referral.status]
    moves: list[str] = []
    for status in Status.values:
        if status not in possible:
            continue
        if status == Status.SENT:
            ok = can(actor, policies.REFERRAL_SEND, referral) and policies.on_referring_side(actor, referral)
        elif status == Status.WITHDRAWN:
            ok = can(actor, policies.REFERRAL_WITHDRAW, referral)
        else:
            ok = can(actor, policies.REFERRAL_RECEIVE, referral) and policies.on_receiving_side(actor, referral)
        if ok:
            moves.append(status)
    return moves


def overdue_count(actor: Any) -> int:
    """Returns how many referrals the actor can see are past their acknowledgement target."""
    if not role_allows(actor, policies.REFERRAL_VIEW):
        return 0
    return referrals_in_scope(actor).filter(overdue_filter()).count()


def notifications_for(actor: Any, *, limit: int = 50) -> list[Notification]:
    """Returns the actor's newest notifications."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(Notification.objects.filter(recipient_id=actor.pk).select_related("referral")[:limit])


def unread_notification_count(actor: Any) -> int:
    """Returns how many of the actor's notifications are unread."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).count()


# --- programmes ----------------------------------------------------------------------------------------


def list_programmes(actor: Any) -> list[Programme]:
    """Returns the programmes the actor may read, with the places they have taken."""
    require(actor, policies.PROGRAMME_VIEW)
    return list(scoped(actor, policies.PROGRAMME_VIEW, Programme.objects.select_related("organisation")))


def get_programme(actor: Any, programme_id: int | str) -> Programme:
    """Returns one programme; 404 when there is none."""
    require(actor, policies.PROGRAMME_VIEW)
    try:
        return Programme.objects.select_related("organisation").get(pk=int(programme_id))
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def enrolments_of(actor: Any, programme: Programme) -> list[Enrolment]:
    """Returns the programme's enrolments when the actor's organisation runs it (else none), audited."""
    if not role_allows(actor, policies.ENROLMENT_VIEW) or programme.organisation_id != getattr(
        actor, "organisation_id", None
    ):
        return []
    enrolments = list(
        scoped(actor, policies.ENROLMENT_VIEW, Enrolment.objects.filter(programme=programme))
        .select_related("person")
        .order_by("status", "waiting_position", "created_at", "pk")
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            tag=audit.AuditTag.REFERRALS_REFERRAL_LIST,
            object_type="referrals.enrolment",
            detail={"programme": programme.pk, "ids": [e.pk for e in enrolments]},
        )
    return enrolments


def programme_figures(programme: Programme) -> dict[str, int]:
    """Returns the programme's places taken and free, people waiting, completed and withdrawn (no personal data)."""
    from upstream.referrals.services import places_used

    counts = dict.fromkeys(EnrolmentStatus.values, 0)
    for status in Enrolment.objects.filter(programme=programme).values_list("status", flat=True):
        counts[status] += 1
    used = places_used(programme)
    return {
        "places": programme.places,
        "used": used,
        "free": max(0, programme.places - used),
        "waiting": counts[EnrolmentStatus.WAITING],
        "enrolled": counts[EnrolmentStatus.ENROLLED],
        "completed": counts[EnrolmentStatus.COMPLETED],
        "withdrawn": counts[EnrolmentStatus.WITHDRAWN],
    }


def decline_signals(*, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Returns declines for capacity or eligibility counted by service and need, for the directory's gap analysis.

    Counts only, across every organisation: a service's capacity is a fact about the service, not a person.
    """
    from django.db.models import Count

    queryset = Referral.objects.filter(decline_reason__in=["no_capacity", "not_eligible"], service__isnull=False)
    if since is not None:
        queryset = queryset.filter(declined_at__date__gte=since)
    rows = queryset.values("service_id", "decline_reason", "need_categories").annotate(count=Count("pk"))
    signals: dict[tuple[str, str, str], int] = {}
    for row in rows:
        for need in row["need_categories"] or [""]:
            key = (str(row["service_id"]), row["decline_reason"], need)
            signals[key] = signals.get(key, 0) + row["count"]
    return [
        {"service_id": service_id, "decline_reason": reason, "need_category": need, "count": count}
        for (service_id, reason, need), count in sorted(signals.items())
    ]


# --- choosing where to refer someone ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralTargets:
    """Services (that take referrals through Upstream) and programmes matching a search, for the Refer picker."""

    services: list[Any]
    programmes: list[Programme]
    searched: bool


TARGET_LIMIT = 20
SEARCH_DEPTH = 200  # directory results read to find the services among them that take referrals


def referral_targets(actor: Any, *, text: str = "", need: str = "", area_code: str = "") -> ReferralTargets:
    """Returns where the actor can refer someone: services that take referrals, and programmes running now.

    Services are found by words, need and area with the directory's own search; programmes by the same words
    and need.
    """
    from upstream.directory.search import SearchQuery, search
    from upstream.referrals.models import ReceivingService

    require(actor, policies.REFERRAL_CREATE)
    text = text.strip()[:200]
    searched = bool(text or need or area_code)
    receiving = set(ReceivingService.objects.values_list("service_id", flat=True))
    found: list[Any] = []
    if searched and receiving:
        page = search(SearchQuery(text=text, needs=(need,) if need else (), area_code=area_code, per_page=SEARCH_DEPTH))
        found = [hit.service for hit in page.hits if hit.service.pk in receiving][:TARGET_LIMIT]
    today = timezone.localdate()
    programmes = [
        p
        for p in list_programmes(actor)
        if (p.ends_on is None or p.ends_on >= today)
        and (not need or need in (p.need_categories or []))
        and all(word.lower() in f"{p.name} {p.description}".lower() for word in text.split())
    ]
    return ReferralTargets(services=found, programmes=programmes[:TARGET_LIMIT], searched=searched)
