"""Every read of people and households: always given the actor, always narrowed by the policy.

Reads of personal data are consultations (DPA 2018 s.62), so they are audited here too: one event per
person page, and one per list shown naming the people on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from upstream.core import audit
from upstream.core.models import AccessGrant, AuditEvent
from upstream.core.policy import PermissionDenied, can, require, role_allows, scoped
from upstream.people import policies
from upstream.people.models import HouseholdMembership, Person, PersonRecordRole

PAGE_SIZE = 50


@dataclass(frozen=True)
class PeoplePage:
    """One page of a list of people, with the total the search found."""

    people: list[Person]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """Returns how many pages the search found."""
        return max(1, -(-self.total // self.page_size))


def _search(queryset: QuerySet[Person], search: str) -> QuerySet[Person]:
    # Every word must appear in a name or the postcode, so "Smith LS1" finds Smiths in LS1.
    for word in search.split():
        queryset = queryset.filter(
            Q(forenames__icontains=word)
            | Q(surname__icontains=word)
            | Q(other_names__icontains=word)
            | Q(postcode__icontains=word.replace(" ", ""))
        )
    return queryset


def people_in_scope(actor: Any, action: str = policies.PERSON_VIEW) -> QuerySet[Person]:
    """Returns the people the actor may take the action on, without auditing (for counts and checks)."""
    return scoped(actor, action, Person.objects.all())


def list_people(actor: Any, *, search: str | None = None, page: int = 1, page_size: int | None = None) -> PeoplePage:
    """Returns one page of the people the actor may see, auditing the list as one consultation."""
    require(actor, policies.PERSON_VIEW)
    page_size = page_size or PAGE_SIZE
    queryset = people_in_scope(actor).filter(erased_at__isnull=True).select_related("controller")
    if search and search.strip():
        queryset = _search(queryset, search.strip())
    total = queryset.count()
    page = max(1, page)
    people = list(queryset.order_by("surname", "forenames", "pk")[(page - 1) * page_size : page * page_size])
    # The search words are not logged: they are often names, and the log must not hold personal data
    # that erasure cannot reach. The ids shown say whose details were seen.
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_LIST,
        object_type=policies.PERSON_OBJECT_TYPE,
        detail={"ids": [p.pk for p in people], "searched": bool(search and search.strip()), "page": page},
    )
    return PeoplePage(people=people, total=total, page=page, page_size=page_size)


def find_person(actor: Any, person_id: int | str, *, action: str = policies.PERSON_VIEW) -> Person:
    """Returns a person the actor may take the action on, without auditing; 404 if out of reach."""
    if not role_allows(actor, action):
        raise PermissionDenied(actor, action)
    try:
        person = Person.objects.select_related("controller").get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # Out of scope answers exactly as "no such person", so nobody learns who another organisation holds.
    if not can(actor, action, person):
        raise Http404
    return person


def get_person(actor: Any, person_id: int | str, *, purpose: str = "", action: str = policies.PERSON_VIEW) -> Person:
    """Returns a person the actor may see, auditing the look as a consultation."""
    person = find_person(actor, person_id, action=action)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_VIEW,
        obj=person,
        purpose=purpose or person.purpose,
    )
    return person


def memberships_of(actor: Any, person: Person) -> list[HouseholdMembership]:
    """Returns the person's households that the actor may also see, newest first."""
    require(actor, policies.PERSON_VIEW, person)
    memberships = (
        HouseholdMembership.objects.filter(person=person)
        .select_related("household", "household__area")
        .order_by("-from_date", "-pk")
    )
    return [m for m in memberships if can(actor, policies.HOUSEHOLD_VIEW, m.household)]


def record_roles_of(actor: Any, person: Person) -> list[PersonRecordRole]:
    """Returns the person's roles in records, newest first."""
    require(actor, policies.PERSON_VIEW, person)
    return list(PersonRecordRole.objects.filter(person=person).select_related("recorded_by"))


def shares_of(actor: Any, person: Person) -> list[AccessGrant]:
    """Returns who the person is shared with now; only the controller's staff see the list."""
    require(actor, policies.PERSON_VIEW, person)
    if not policies.is_controller(actor, person):
        return []
    now = timezone.now()
    return list(
        AccessGrant.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            object_type=policies.PERSON_OBJECT_TYPE,
            object_id=str(person.pk),
            revoked_at__isnull=True,
        )
        .select_related("granted_to_user", "granted_by")
        .order_by("granted_at", "pk")
    )


@dataclass(frozen=True)
class AccessLogEntry:
    """One time someone touched a person's record: when, who, from where, what, and why."""

    occurred_at: datetime
    actor_label: str
    organisation_id: int | None
    tag: str
    operation: str
    purpose: str
    recipient: str


def person_access_log(actor: Any, person: Person) -> list[AccessLogEntry]:
    """Returns who has looked at or changed the person, newest first, auditing that a supervisor read it."""
    require(actor, policies.PERSON_ACCESS_LOG, person)
    object_id = str(person.pk)
    direct = AuditEvent.objects.filter(object_type=policies.PERSON_OBJECT_TYPE, object_id=object_id)
    # A list shows many people in one event, their ids in the detail. The text match narrows the rows
    # cheaply on both databases; the exact check on the parsed ids below keeps "12" from matching "123".
    lists = AuditEvent.objects.annotate(detail_text=Cast("detail", TextField())).filter(
        tag=audit.AuditTag.PEOPLE_PERSON_LIST, detail_text__contains=object_id
    )
    events = [*direct, *(e for e in lists if person.pk in (e.detail or {}).get("ids", []))]
    events.sort(key=lambda e: e.sequence, reverse=True)
    with transaction.atomic():
        audit.record(
            actor=actor,
            tag=audit.AuditTag.CORE_AUDIT_VIEW,
            obj=person,
            purpose="supervision: who has looked at this person",
        )
    return [
        AccessLogEntry(
            occurred_at=e.occurred_at,
            actor_label=e.actor_label,
            organisation_id=e.organisation_id,
            tag=e.tag,
            operation=e.operation,
            purpose=e.purpose,
            recipient=e.recipient,
        )
        for e in events
    ]
