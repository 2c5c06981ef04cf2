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


# A referral is prevention casework: its details are reviewed six years after it closes, as the people
# package's casework retention class says ("Review 6 years after the case closes"). Review means a person
# decides (erase, or keep with a reason elsewhere); nothing is erased unseen.
RETENTION_YEARS = 6


def closed_on(referral: Referral) -> dt.datetime | None:
    """Returns when the referral closed (declined, completed, withdrawn or not engaged), or None while open."""
    field = {
        Status.DECLINED: "declined_at",
        Status.COMPLETED: "completed_at",
        Status.WITHDRAWN: "withdrawn_at",
        Status.NOT_ENGAGED: "not_engaged_at",
    }.get(Status(referral.status))
    return getattr(referral, field) if field else None


def retention_cutoff(today: dt.date | None = None) -> dt.datetime:
    """Returns the moment before which a referral closed is due for its retention review."""
    today = today or timezone.localdate()
    try:
        day = today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:  # 29 February: the review falls on 28 February
        day = today.replace(year=today.year - RETENTION_YEARS, day=28)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def retention_due_filter(today: dt.date | None = None) -> Q:
    """Returns the condition for a closed referral, not yet erased, that closed more than six years ago."""
    cutoff = retention_cutoff(today)
    return Q(erased_at__isnull=True) & (
        Q(status=Status.DECLINED, declined_at__lt=cutoff)
        | Q(status=Status.COMPLETED, completed_at__lt=cutoff)
        | Q(status=Status.WITHDRAWN, withdrawn_at__lt=cutoff)
        | Q(status=Status.NOT_ENGAGED, not_engaged_at__lt=cutoff)
    )


def is_due_for_retention_review(referral: Referral, today: dt.date | None = None) -> bool:
    """Returns whether the referral closed more than six years ago and its details are not yet erased."""
    closed = closed_on(referral)
    return referral.erased_at is None and closed is not None and closed < retention_cutoff(today)


def retention_due_count(actor: Any) -> int:
    """Returns how many referrals the actor may erase are due for their retention review."""
    if not role_allows(actor, policies.REFERRAL_ERASE):
        return 0
    return referrals_in_scope(actor, policies.REFERRAL_ERASE).filter(retention_due_filter()).count()


def retention_review(actor: Any, *, page: int = 1, page_size: int = PAGE_SIZE) -> ReferralPage:
    """Returns one page of the referrals due for their retention review (oldest made first), audited."""
    require(actor, policies.REFERRAL_ERASE)
    queryset = (
        referrals_in_scope(actor, policies.REFERRAL_ERASE)
        .filter(retention_due_filter())
        .select_related("service", "programme", "receiving_organisation", "referring_organisation")
        .order_by("created_at", "pk")
    )
    total = queryset.count()
    page = max(1, page)
    referrals = list(queryset[(page - 1) * page_size : page * page_size])
    with transaction.atomic():
        audit.record(
            actor=actor,
            tag=audit.AuditTag.REFERRALS_REFERRAL_LIST,
            object_type="referrals.referral",
            detail={"ids": [r.pk for r in referrals], "box": "retention", "page": page},
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
    """One page of services (that take referrals through Upstream) and of programmes, for the Refer picker.

    Each list has its own page and total, so nothing found is left out unseen: the picker pages through both.
    """

    services: list[Any]
    services_total: int
    services_page: int
    programmes: list[Programme]
    programmes_total: int
    programmes_page: int
    searched: bool
    page_size: int = 20

    @property
    def services_pages(self) -> int:
        """Returns how many pages the services found fill."""
        return max(1, -(-self.services_total // self.page_size))

    @property
    def programmes_pages(self) -> int:
        """Returns how many pages the programmes found fill."""
        return max(1, -(-self.programmes_total // self.page_size))


TARGET_PAGE_SIZE = 20
MAX_TARGET_PAGE = 10_000


def referral_targets(
    actor: Any,
    *,
    text: str = "",
    need: str = "",
    area_code: str = "",
    page: int = 1,
    programmes_page: int = 1,
    page_size: int = TARGET_PAGE_SIZE,
) -> ReferralTargets:
    """Returns where the actor can refer someone: a page of services that take referrals, and of programmes.

    Services are found by words, need and area with the directory's own search, kept to the services that take
    referrals through Upstream inside the search itself, so its count and pages are of those services alone.
    Programmes running now are matched by the same words and need.
    """
    from upstream.directory.search import SearchQuery, search
    from upstream.referrals.models import ReceivingService

    require(actor, policies.REFERRAL_CREATE)
    text = text.strip()[:200]
    page = min(max(1, page), MAX_TARGET_PAGE)
    programmes_page = min(max(1, programmes_page), MAX_TARGET_PAGE)
    searched = bool(text or need or area_code)
    receiving = tuple(ReceivingService.objects.order_by("service_id").values_list("service_id", flat=True))
    found: list[Any] = []
    total = 0
    if searched and receiving:
        query = SearchQuery(
            text=text,
            needs=(need,) if need else (),
            area_code=area_code,
            service_ids=receiving,
            page=page,
            per_page=page_size,
        )
        result = search(query)
        found, total = [hit.service for hit in result.hits], result.total
    today = timezone.localdate()
    programmes = [
        p
        for p in list_programmes(actor)
        if (p.ends_on is None or p.ends_on >= today)
        and (not need or need in (p.need_categories or []))
        and all(word.lower() in f"{p.name} {p.description}".lower() for word in text.split())
    ]
    start = (programmes_page - 1) * page_size
    return ReferralTargets(
        services=found,
        services_total=total,
        services_page=page,
        programmes=programmes[start : start + page_size],
        programmes_total=len(programmes),
        programmes_page=programmes_page,
        searched=searched,
        page_size=page_size,
    )


# --- self-referral: where else to ask --------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """Another service or programme a member of the public may ask for help, with its "ask for help" page."""

    name: str
    description: str
    href: str


ALTERNATIVE_LIMIT = 5
MAX_ALTERNATIVE_CANDIDATES = 2000  # services taking self-referrals read to find those that fit


def self_referral_alternatives(
    *,
    service: Any = None,
    programme: Programme | None = None,
    sex: str = "",
    age: int | None = None,
    client_groups: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
    limit: int = ALTERNATIVE_LIMIT,
) -> list[Alternative]:
    """Returns other services and programmes taking self-referrals that help with the same needs and fit the person.

    Public information only (names and descriptions from the directory), for someone told the service they
    asked is not for them. Fitting is decided by the same rules as the check that turned them away.
    """
    from upstream.directory.models import ServiceStatus
    from upstream.referrals.links import self_referral_url
    from upstream.referrals.models import ReceivingService
    from upstream.referrals.services import fit_problems

    target = service if service is not None else programme
    wanted = set(needs) or set(getattr(target, "need_categories", None) or [])
    today = timezone.localdate()

    def fits(candidate_service: Any = None, candidate_programme: Programme | None = None) -> bool:
        candidate = candidate_service if candidate_service is not None else candidate_programme
        if wanted and not wanted & set(getattr(candidate, "need_categories", None) or []):
            return False
        return not fit_problems(
            sex=sex,
            age=age,
            client_groups=client_groups,
            on=today,
            service=candidate_service,
            programme=candidate_programme,
        )

    found: list[Alternative] = []
    routes = (
        ReceivingService.objects.filter(accepts_self_referrals=True, service__status=ServiceStatus.ACTIVE)
        .exclude(service_id__in=[service.pk] if service is not None else [])
        .select_related("service")
        .order_by("service__name", "service_id")[:MAX_ALTERNATIVE_CANDIDATES]
    )
    for route in routes:
        if len(found) >= limit:
            break
        if fits(candidate_service=route.service):
            found.append(
                Alternative(route.service.name, route.service.description, self_referral_url(route.service) or "")
            )
    programmes = (
        Programme.objects.filter(accepts_self_referrals=True, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exclude(pk__in=[programme.pk] if programme is not None else [])
        .order_by("name", "pk")
    )
    for candidate in programmes[:MAX_ALTERNATIVE_CANDIDATES]:
        if len(found) >= limit:
            break
        if fits(candidate_programme=candidate):
            found.append(
                Alternative(candidate.name, candidate.description, self_referral_url(programme=candidate) or "")
            )
    return found


@dataclass(frozen=True)
class PublicContact:
    """How a member of the public can reach a service directly: phone numbers, email, its directory page."""

    phones: list[str]
    email: str
    page: str


def public_contact(service: Any) -> PublicContact:
    """Returns a directory service's own phone numbers (or its organisation's), email and public page."""
    from django.urls import reverse

    from upstream.directory.models import Phone

    phones = list(
        Phone.objects.filter(Q(service=service) | Q(organization_id=service.organization_id, service__isnull=True))
        .exclude(number="")
        .order_by("service_id", "number")
        .values_list("number", flat=True)[:3]
    )
    return PublicContact(
        phones=list(dict.fromkeys(phones)),
        email=service.email or "",
        page=reverse("directory:service", args=[service.pk]),
    )
