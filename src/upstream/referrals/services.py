"""Every change to referrals, programmes and enrolments: policy-checked, transactional, audited.

Each move of a referral is its own function (``send_referral``, ``accept_referral`` …). Each one first
checks the policy and which side of the referral the actor is on, then that the move is allowed from the
current status, then writes the new status with a conditional UPDATE on the version the caller last saw:
if someone else moved the referral in between, no row matches and the caller is told, rather than one
person's decision silently overwriting another's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.models import AccessGrant
from upstream.core.policy import PermissionDenied, can, require
from upstream.people import policies as people_policies
from upstream.people import services as people_services
from upstream.people.models import Basis as RoleBasis
from upstream.people.models import RecordRoleKind
from upstream.referrals import policies
from upstream.referrals.models import (
    CLOSED_STATUSES,
    STATUS_TIMESTAMP,
    TRANSITIONS,
    AgeBand,
    ApiKey,
    CapacityKind,
    ConsentBasis,
    ConsentGivenBy,
    DeclineReason,
    EligibleSex,
    Enrolment,
    EnrolmentStatus,
    LawfulBasis,
    Notification,
    Outcome,
    Programme,
    ReceivingService,
    Referral,
    ReferralEvent,
    SourceKind,
    Status,
    Urgency,
)
from upstream.referrals.working_days import add_working_days

MAX_REASON_LENGTH = 4000


class ConflictError(Exception):
    """Someone else changed the referral after the caller last saw it."""

    def __init__(self, referral: Referral, expected_version: int) -> None:
        self.referral = referral
        self.expected_version = expected_version
        super().__init__(
            _(
                "Someone else changed this referral first: it is now %(status)s (version %(version)s, you "
                "had version %(expected)s). Look at it again before you decide."
            )
            % {"status": referral.get_status_display(), "version": referral.version, "expected": expected_version}
        )


class TransitionNotAllowedError(ValidationError):
    """The move is not allowed from the referral's current status."""

    def __init__(self, current: str, wanted: str) -> None:
        self.current = current
        self.wanted = wanted
        allowed = sorted(TRANSITIONS[current])
        if allowed:
            moves = ", ".join(str(Status(s).label).lower() for s in allowed)
            message = _(
                "This referral is %(current)s, so it cannot be made %(wanted)s. From %(current)s it can only "
                "be made: %(moves)s."
            ) % {
                "current": str(Status(current).label).lower(),
                "wanted": str(Status(wanted).label).lower(),
                "moves": moves,
            }
        else:
            message = _("This referral is %(current)s, which is final: it cannot be changed.") % {
                "current": str(Status(current).label).lower()
            }
        super().__init__(message, code="transition_not_allowed")


def _now() -> dt.datetime:
    return timezone.now()


def _actor_label(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return "member of the public"


def age_band(date_of_birth: dt.date | None, on: dt.date) -> str:
    """Returns the age band of someone born on the date, on another date."""
    if date_of_birth is None:
        return AgeBand.UNKNOWN
    return band_for_age(on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day)))


def band_for_age(age: int | None) -> str:
    """Returns the age band of someone of the age in years."""
    if age is None or age < 0:
        return AgeBand.UNKNOWN
    for upper, band in (
        (9, AgeBand.UNDER_10),
        (17, AgeBand.AGE_10_17),
        (24, AgeBand.AGE_18_24),
        (34, AgeBand.AGE_25_34),
        (49, AgeBand.AGE_35_49),
        (64, AgeBand.AGE_50_64),
    ):
        if age <= upper:
            return band
    return AgeBand.AGE_65_PLUS


def receiving_terms(*, service: Any = None, programme: Programme | None = None) -> tuple[int, int]:
    """Returns the receiving organisation's id and its acknowledgement target in working days."""
    if programme is not None:
        return programme.organisation_id, programme.acknowledge_within_days
    route = ReceivingService.objects.filter(service=service).first() if service is not None else None
    if route is None:
        raise ValidationError(
            _("This service does not take referrals through Upstream yet. Contact the service directly."),
            code="service_not_receiving",
        )
    return route.organisation_id, route.acknowledge_within_days


def _validate_common(reason: str, need_categories: Iterable[str], urgency: str, source_kind: str) -> list[str]:
    from upstream.directory.vocab import NEED_CATEGORIES

    if not reason.strip():
        raise ValidationError(_("Enter the reason for the referral"), code="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("The reason must be %(max)s characters or fewer") % {"max": MAX_REASON_LENGTH}, code="reason"
        )
    needs = sorted(set(need_categories))
    unknown = [n for n in needs if n not in NEED_CATEGORIES]
    if unknown:
        raise ValidationError(_("Choose needs from the list"), code="needs")
    if urgency not in Urgency.values:
        raise ValidationError(_("Choose how urgent the referral is"), code="urgency")
    if source_kind not in SourceKind.values:
        raise ValidationError(_("Choose what the referral came from"), code="source")
    return needs


def _validate_basis(  # noqa: PLR0917 - the six parts of one basis, always passed together
    consent_basis: str,
    consent_given_by: str,
    consent_given_at: dt.datetime | None,
    consent_scope: str,
    lawful_basis: str,
    lawful_basis_reason: str,
) -> None:
    # A draft may be saved without a basis (it is found out later); what is given must make sense.
    if consent_basis == ConsentBasis.CONSENT:
        if consent_given_by not in ConsentGivenBy.values:
            raise ValidationError(_("Choose who gave consent"), code="consent_given_by")
        if consent_given_at is None:
            raise ValidationError(_("Enter when consent was given"), code="consent_given_at")
        if consent_given_at > _now() + dt.timedelta(minutes=5):
            raise ValidationError(_("The date consent was given must be today or in the past"), code="consent_given_at")
        if not consent_scope.strip():
            raise ValidationError(_("Enter what sharing the consent covers"), code="consent_scope")
    elif consent_basis == ConsentBasis.LAWFUL_BASIS:
        if lawful_basis not in LawfulBasis.values:
            raise ValidationError(_("Choose the lawful basis for sharing"), code="lawful_basis")
        if not lawful_basis_reason.strip():
            raise ValidationError(_("Enter why consent is not the basis for sharing"), code="lawful_basis_reason")
    elif consent_basis:
        raise ValidationError(_("Choose consent or another lawful basis"), code="consent_basis")


def _add_event(referral: Referral, *, actor: Any, from_status: str, to_status: str, note: str = "") -> ReferralEvent:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        actor=actor if authenticated else None,
        actor_label=_actor_label(actor),
        organisation_id=getattr(actor, "organisation_id", None) if authenticated else None,
        note=note.strip(),
    )


def _current_area(person: Any) -> Any:
    """Returns the area of the household the person lives in now (for statistics by area), or None."""
    from upstream.people.models import HouseholdMembership

    membership = (
        HouseholdMembership.objects.filter(person=person, to_date__isnull=True, household__area__isnull=False)
        .select_related("household__area")
        .order_by("-from_date", "-pk")
        .first()
    )
    return membership.household.area if membership is not None else None


@transaction.atomic
def create_referral(
    *,
    actor: Any,
    person: Any,
    reason: str,
    service: Any = None,
    programme: Programme | None = None,
    need_categories: Iterable[str] = (),
    urgency: str = Urgency.ROUTINE,
    source_kind: str = SourceKind.OTHER,
    source_reference: str = "",
    area: Any = None,
    consent_basis: str = "",
    consent_given_by: str = "",
    consent_given_at: dt.datetime | None = None,
    consent_scope: str = "",
    lawful_basis: str = "",
    lawful_basis_reason: str = "",
    client_groups: Iterable[str] = (),
    eligibility_override_reason: str = "",
) -> Referral:
    """Returns a new draft referral of a person to a service or programme, audited as a collection.

    A person outside whom the service or programme is for (sex, age, client groups) is refused, unless the
    referrer gives the reason to refer them anyway; the reason and what did not fit are kept and audited.
    """
    require(actor, policies.REFERRAL_CREATE)
    if getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(actor, policies.REFERRAL_CREATE)
    if person is None or not can(actor, people_policies.PERSON_VIEW, person):
        raise PermissionDenied(actor, policies.REFERRAL_CREATE, person)
    if person.is_erased:
        raise ValidationError(_("This person's details have been erased, so they cannot be referred."))
    if (service is None) == (programme is None):
        raise ValidationError(_("Choose one service or one programme to refer to"), code="target")
    if source_kind == SourceKind.SELF_REFERRAL:
        raise ValidationError(_("Staff cannot make a self-referral for someone"), code="source")
    needs = _validate_common(reason, need_categories, urgency, source_kind)
    _validate_basis(consent_basis, consent_given_by, consent_given_at, consent_scope, lawful_basis, lawful_basis_reason)
    receiving_organisation_id, _days = receiving_terms(service=service, programme=programme)
    from upstream.directory.vocab import CLIENT_GROUPS

    stated_groups = sorted(set(client_groups))
    if any(g not in CLIENT_GROUPS for g in stated_groups):
        raise ValidationError(_("Choose client groups from the list"), code="client_groups")
    override = eligibility_override_reason.strip()[:MAX_REASON_LENGTH]
    not_fitting = referral_eligibility_problems(
        person=person, client_groups=stated_groups, on=timezone.localdate(), service=service, programme=programme
    )
    if not_fitting and not override:
        raise ValidationError(
            " ".join(str(p) for p in not_fitting)
            + " "
            + _("To refer them anyway, give the reason (the receiver sees it)."),
            code="not_eligible",
        )
    if area is None:
        area = _current_area(person)
    referral = Referral.objects.create(
        person=person,
        client_groups=stated_groups,
        eligibility_problems=[str(p) for p in not_fitting],
        eligibility_override_reason=override if not_fitting else "",
        service=service,
        programme=programme,
        receiving_organisation_id=receiving_organisation_id,
        referring_organisation_id=actor.organisation_id,
        referred_by=actor,
        reason=reason.strip(),
        need_categories=needs,
        urgency=urgency,
        source_kind=source_kind,
        source_reference=source_reference.strip()[:100],
        area=area,
        person_sex=person.sex or "",
        person_age_band=age_band(person.date_of_birth, timezone.localdate()),
        consent_basis=consent_basis,
        consent_given_by=consent_given_by if consent_basis == ConsentBasis.CONSENT else "",
        consent_given_at=consent_given_at if consent_basis == ConsentBasis.CONSENT else None,
        consent_scope=consent_scope.strip() if consent_basis == ConsentBasis.CONSENT else "",
        lawful_basis=lawful_basis if consent_basis == ConsentBasis.LAWFUL_BASIS else "",
        lawful_basis_reason=lawful_basis_reason.strip() if consent_basis == ConsentBasis.LAWFUL_BASIS else "",
    )
    _add_event(referral, actor=actor, from_status="", to_status=Status.DRAFT)
    # The person's page lists the records they appear in; the referral is one, with them as its subject.
    people_services.record_role(
        actor=actor,
        person=person,
        record_type="referrals.referral",
        record_id=referral.pk,
        role=RecordRoleKind.SUBJECT,
        basis=RoleBasis.FACT,
        purpose=f"referral {referral.reference}",
    )
    audit.record(
        actor=actor,
        tag=audit.AuditTag.REFERRALS_REFERRAL_CREATE,
        obj=referral,
        purpose=_("referral to %(target)s") % {"target": referral.target_name},
        detail={
            "person": person.pk,
            "service": str(service.pk) if service else None,
            "programme": referral.programme_id,
            "eligibility_override": bool(not_fitting),
        },
    )
    return referral


@transaction.atomic
def record_basis(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    consent_basis: str,
    consent_given_by: str = "",
    consent_given_at: dt.datetime | None = None,
    consent_scope: str = "",
    lawful_basis: str = "",
    lawful_basis_reason: str = "",
) -> Referral:
    """Returns the draft referral with its consent or lawful basis recorded, audited as an alteration."""
    current = _fresh(actor, referral, policies.REFERRAL_SEND)
    if not policies.on_referring_side(actor, current):
        raise PermissionDenied(actor, policies.REFERRAL_SEND, current)
    if current.version != expected_version:
        raise ConflictError(current, expected_version)
    if current.status != Status.DRAFT:
        raise ValidationError(_("The basis for sharing can only be changed while the referral is a draft."))
    if not consent_basis:
        raise ValidationError(_("Choose consent or another lawful basis"), code="consent_basis")
    _validate_basis(consent_basis, consent_given_by, consent_given_at, consent_scope, lawful_basis, lawful_basis_reason)
    is_consent = consent_basis == ConsentBasis.CONSENT
    changes = {
        "consent_basis": consent_basis,
        "consent_given_by": consent_given_by if is_consent else "",
        "consent_given_at": consent_given_at if is_consent else None,
        "consent_scope": consent_scope.strip() if is_consent else "",
        "lawful_basis": "" if is_consent else lawful_basis,
        "lawful_basis_reason": "" if is_consent else lawful_basis_reason.strip(),
    }
    _conditional_update(current, expected_version, changes)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.REFERRALS_REFERRAL_MOVE,
        obj=current,
        purpose=_("basis for sharing recorded"),
        detail={"consent_basis": consent_basis, "lawful_basis": changes["lawful_basis"]},
    )
    return Referral.objects.get(pk=current.pk)


def _fresh(actor: Any, referral: Referral | int, action: str) -> Referral:
    # Re-read under a row lock: decisions are made on what is stored now, never on the caller's copy.
    pk = referral if isinstance(referral, int) else referral.pk
    try:
        current = Referral.objects.select_for_update().get(pk=pk)
    except Referral.DoesNotExist:
        raise PermissionDenied(actor, action) from None
    require(actor, action, current)
    return current


def _conditional_update(current: Referral, expected_version: int, changes: dict[str, Any]) -> None:
    updated = Referral.objects.filter(pk=current.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=_now(), **changes
    )
    if updated == 0:
        raise ConflictError(Referral.objects.get(pk=current.pk), expected_version)


def _move(
    *,
    actor: Any,
    referral: Referral | int,
    expected_version: int,
    to_status: str,
    action: str,
    side: Callable[[Any, Referral], bool],
    note: str = "",
    changes: dict[str, Any] | None = None,
    check: Callable[[Referral], None] | None = None,
) -> Referral:
    current = _fresh(actor, referral, action)
    if not side(actor, current):
        raise PermissionDenied(actor, action, current)
    # A stale caller is told that first: what they saw is no longer true, whatever they asked for.
    if current.version != expected_version:
        raise ConflictError(current, expected_version)
    if to_status not in TRANSITIONS[current.status]:
        raise TransitionNotAllowedError(current.status, to_status)
    if check is not None:
        check(current)
    now = _now()
    from_status = current.status
    update = {"status": to_status, STATUS_TIMESTAMP[Status(to_status)]: now, **(changes or {})}
    _conditional_update(current, expected_version, update)
    moved = Referral.objects.select_related("receiving_organisation", "referred_by").get(pk=current.pk)
    _add_event(moved, actor=actor, from_status=from_status, to_status=to_status, note=note)
    if to_status != Status.SENT:
        audit.record(
            actor=actor,
            tag=audit.AuditTag.REFERRALS_REFERRAL_MOVE,
            obj=moved,
            purpose=_("referral %(from)s to %(to)s") % {"from": from_status, "to": to_status},
            detail={"from": from_status, "to": to_status, "version": moved.version},
        )
        _notify_referrer(moved, actor)
    return moved


def _either_side(actor: Any, referral: Referral) -> bool:
    return policies.on_referring_side(actor, referral) or policies.on_receiving_side(actor, referral)


def _refuse_without_basis(referral: Referral) -> None:
    if not referral.has_basis:
        raise ValidationError(
            _(
                "This referral cannot be sent: record the person's consent (who gave it, when and for what "
                "sharing) or the lawful basis for sharing without consent, with the reason."
            ),
            code="no_basis",
        )


@transaction.atomic
def send_referral(*, actor: Any, referral: Referral | int, expected_version: int, note: str = "") -> Referral:
    """Returns the referral sent to the receiving organisation, audited as a disclosure to it."""
    current = _fresh(actor, referral, policies.REFERRAL_SEND)
    _service, days = _target_and_days(current)
    acknowledge_by = add_working_days(timezone.localdate(), days)
    moved = _move(
        actor=actor,
        referral=current.pk,
        expected_version=expected_version,
        to_status=Status.SENT,
        action=policies.REFERRAL_SEND,
        side=policies.on_referring_side,
        note=note,
        changes={"acknowledge_by": acknowledge_by},
        check=_refuse_without_basis,
    )
    _disclose_person(actor, moved)
    organisation = moved.receiving_organisation
    audit.record(
        actor=actor,
        tag=audit.AuditTag.REFERRALS_REFERRAL_SEND,
        obj=moved,
        purpose=_("referral to %(target)s") % {"target": moved.target_name},
        recipient=f"organisation {organisation.pk}: {organisation}",
        detail={
            "person": moved.person_id,
            "basis": moved.consent_basis,
            "lawful_basis": moved.lawful_basis,
            "acknowledge_by": acknowledge_by.isoformat(),
        },
    )
    _notify_receivers(moved)
    return moved


def _target_and_days(referral: Referral) -> tuple[Any, int]:
    if referral.programme_id:
        programme = Programme.objects.get(pk=referral.programme_id)
        return programme, programme.acknowledge_within_days
    _organisation_id, days = receiving_terms(service=referral.service)
    return referral.service, days


def _disclose_person(actor: Any, referral: Referral) -> None:
    # The receiving organisation needs the person's record to help them: sending shares it with that
    # organisation for the purpose of this referral (the send event above is the disclosure in the log).
    person = referral.person
    if person is None or person.controller_id == referral.receiving_organisation_id:
        return
    AccessGrant.objects.create(
        object_type=people_policies.PERSON_OBJECT_TYPE,
        object_id=str(person.pk),
        granted_to_organisation_id=referral.receiving_organisation_id,
        granted_by=actor,
        purpose=f"referral {referral.reference}"[:300],
        agreement="",
    )


@transaction.atomic
def acknowledge_referral(*, actor: Any, referral: Referral | int, expected_version: int, note: str = "") -> Referral:
    """Returns the referral marked as received by the receiving organisation."""
    return _move(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        to_status=Status.RECEIVED,
        action=policies.REFERRAL_RECEIVE,
        side=policies.on_receiving_side,
        note=note,
    )


@transaction.atomic
def accept_referral(*, actor: Any, referral: Referral | int, expected_version: int, note: str = "") -> Referral:
    """Returns the referral accepted; a programme referral puts the person on the programme or its waiting list."""
    moved = _move(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        to_status=Status.ACCEPTED,
        action=policies.REFERRAL_RECEIVE,
        side=policies.on_receiving_side,
        note=note,
    )
    if moved.programme_id and moved.person_id:
        programme = Programme.objects.get(pk=moved.programme_id)
        already = Enrolment.objects.filter(
            programme=programme,
            person_id=moved.person_id,
            status__in=[EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED],
        ).exists()
        if not already:
            enrol_person(actor=actor, programme=programme, person=moved.person, referral=moved, check_eligibility=False)
    return moved


@transaction.atomic
def decline_referral(
    *, actor: Any, referral: Referral | int, expected_version: int, reason: str, note: str = ""
) -> Referral:
    """Returns the referral declined with a reason (which feeds the directory's gap analysis)."""
    if reason not in DeclineReason.values:
        raise ValidationError(_("Choose why the referral is declined"), code="decline_reason")
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError(_("Say why the referral is declined"), code="note")
    return _move(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        to_status=Status.DECLINED,
        action=policies.REFERRAL_RECEIVE,
        side=policies.on_receiving_side,
        note=note,
        changes={"decline_reason": reason},
    )


@transaction.atomic
def start_referral(*, actor: Any, referral: Referral | int, expected_version: int, note: str = "") -> Referral:
    """Returns the referral marked as in progress: the person is being helped."""
    return _move(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        to_status=Status.IN_PROGRESS,
        action=policies.REFERRAL_RECEIVE,
        side=policies.on_receiving_side,
        note=note,
    )


@transaction.atomic
def complete_referral(
    *, actor: Any, referral: Referral | int, expected_version: int, outcome: str, outcome_note: str = ""
) -> Referral:
    """Returns the referral closed as completed, with its outcome."""
    if outcome not in Outcome.values or outcome == Outcome.NOT_ENGAGED:
        raise ValidationError(_("Choose the outcome of the referral"), code="outcome")
    return _move(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        to_status=Status.COMPLETED,
        action=policies.REFERRAL_RECEIVE,
        side=policies.on_receiving_side,
        note=outcome_note,
        changes={"outcome": outcome, "outcome_note": outcome_note.strip()},
    )


@transaction.atomic
def mark_not_engaged(*, actor: Any, referral: Referral | int, expected_version: int, note: str = "") -> Referral:
    """Returns the referral closed because the person did not engage."""
    return _move(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        to_status=Status.NOT_ENGAGED,
        action=policies.REFERRAL_RECEIVE,
        side=policies.on_receiving_side,
        note=note,
        changes={"outcome": Outcome.NOT_ENGAGED, "outcome_note": note.strip()},
    )


@transaction.atomic
def withdraw_referral(
    *, actor: Any, referral: Referral | int, expected_version: int, note: str = "", outcome: str = ""
) -> Referral:
    """Returns the referral withdrawn (by the referrer, or by the receiver when the person withdrew)."""
    if outcome and (outcome not in Outcome.values):
        raise ValidationError(_("Choose the outcome of the referral"), code="outcome")
    return _move(
        actor=actor,
        referral=referral,
        expected_version=expected_version,
        to_status=Status.WITHDRAWN,
        action=policies.REFERRAL_WITHDRAW,
        side=_either_side,
        note=note,
        changes={"outcome": outcome, "outcome_note": note.strip()} if outcome else {"outcome_note": note.strip()},
    )


def move_referral(  # noqa: PLR0911 - one return per status: a dispatch table in plain sight
    *,
    actor: Any,
    referral: Referral | int,
    expected_version: int,
    to_status: str,
    note: str = "",
    decline_reason: str = "",
    outcome: str = "",
) -> Referral:
    """Returns the referral moved to the status asked for, through that status's own service function."""
    if to_status not in Status.values or to_status == Status.DRAFT:
        raise ValidationError(_("Choose a status the referral can move to"), code="status")
    common = {"actor": actor, "referral": referral, "expected_version": expected_version}
    if to_status == Status.SENT:
        return send_referral(**common, note=note)
    if to_status == Status.RECEIVED:
        return acknowledge_referral(**common, note=note)
    if to_status == Status.ACCEPTED:
        return accept_referral(**common, note=note)
    if to_status == Status.DECLINED:
        return decline_referral(**common, reason=decline_reason, note=note)
    if to_status == Status.IN_PROGRESS:
        return start_referral(**common, note=note)
    if to_status == Status.COMPLETED:
        return complete_referral(**common, outcome=outcome, outcome_note=note)
    if to_status == Status.NOT_ENGAGED:
        return mark_not_engaged(**common, note=note)
    return withdraw_referral(**common, note=note, outcome=outcome)


# The text fields of a referral that can say who a person is; erasure blanks them.
ERASABLE_FIELDS = (
    "reason",
    "contact_name",
    "contact_phone",
    "contact_email",
    "outcome_note",
    "source_reference",
    "eligibility_override_reason",
)


@transaction.atomic
def erase_referral(*, actor: Any, referral: Referral | int, reason: str) -> Referral:
    """Returns the closed referral with its personal details blanked, kept for its history and statistics.

    Nothing is deleted: the status, dates, service, age band and sex stay, so the statistics still count it,
    and the audit log records who erased it and why. The person's own record is erased on the people pages.
    """
    current = _fresh(actor, referral, policies.REFERRAL_ERASE)
    if not _either_side(actor, current):
        raise PermissionDenied(actor, policies.REFERRAL_ERASE, current)
    if current.status not in CLOSED_STATUSES:
        raise ValidationError(_("Only a closed referral can be erased: close or withdraw it first."))
    if not reason.strip():
        raise ValidationError(_("Enter why the referral's details are being erased"))
    if current.erased_at is not None:
        return current
    Referral.objects.filter(pk=current.pk).update(
        **dict.fromkeys(ERASABLE_FIELDS, ""), erased_at=_now(), version=F("version") + 1, updated_at=_now()
    )
    ReferralEvent.objects.filter(referral_id=current.pk).update(note="")
    audit.record(
        actor=actor,
        tag=audit.AuditTag.REFERRALS_REFERRAL_ERASE,
        obj=current,
        purpose=reason.strip()[:300],
        detail={"fields": [*ERASABLE_FIELDS, "event notes"]},
    )
    return Referral.objects.get(pk=current.pk)


# --- self-referral -------------------------------------------------------------------------------------


class NotEligibleError(ValidationError):
    """A member of the public falls outside whom the service or programme is for; nothing was stored."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems), code="not_eligible")


MAX_AGE = 120
SELF_REPORTED_SEXES = ("", "F", "M", "X", "U")


def _self_reported_facts(
    sex: str, age: int | None, client_groups: Iterable[str], *, service: Any, programme: Programme | None
) -> list[str]:
    """Returns the client groups given, once sex, age and groups are checked as answers the target needs."""
    from upstream.directory.vocab import CLIENT_GROUPS

    if sex not in SELF_REPORTED_SEXES:
        raise ValidationError(_("Choose your sex from the list"), code="sex")
    if age is not None and not 0 <= age <= MAX_AGE:
        raise ValidationError(_("Enter your age in years, from 0 to 120"), code="age")
    stated_groups = sorted(set(client_groups))
    if any(g not in CLIENT_GROUPS for g in stated_groups):
        raise ValidationError(_("Choose groups from the list"), code="client_groups")
    if age is None and target_has_age_limits(service=service, programme=programme):
        raise ValidationError(_("Enter your age, so we can check the service is for you"), code="age")
    if not sex and target_sex(service=service, programme=programme):
        raise ValidationError(_("Say whether you are female or male, or neither"), code="sex")
    return stated_groups


@transaction.atomic
def create_self_referral(
    *,
    reason: str,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    service: Any = None,
    programme: Programme | None = None,
    need_categories: Iterable[str] = (),
    person_age_band: str = AgeBand.UNKNOWN,
    consent_scope: str = "",
    sex: str = "",
    age: int | None = None,
    client_groups: Iterable[str] = (),
) -> Referral:
    """Returns a member of the public's referral of themselves, sent straight to the receiving organisation.

    It is checked against whom the service or programme is for as a staff referral is (sex, age, client groups),
    but the public cannot override: outside the rules it raises ``NotEligibleError`` and stores nothing. A target
    with age limits needs the age, and one for one sex needs an answer (which may be "another way or rather
    not say", left to the receiver as an unknown sex is on a staff referral).
    """
    if (service is None) == (programme is None):
        raise ValidationError(_("Choose one service or one programme to refer to"), code="target")
    accepts = (
        programme.accepts_self_referrals
        if programme is not None
        else ReceivingService.objects.filter(service=service, accepts_self_referrals=True).exists()
    )
    if not accepts:
        raise ValidationError(_("This service does not take self-referrals through this site."), code="target")
    needs = _validate_common(reason, need_categories, Urgency.ROUTINE, SourceKind.SELF_REFERRAL)
    if not contact_name.strip():
        raise ValidationError(_("Enter your name"), code="contact_name")
    if not (contact_phone.strip() or contact_email.strip()):
        raise ValidationError(_("Enter a phone number or an email address so the service can contact you"))
    stated_groups = _self_reported_facts(sex, age, client_groups, service=service, programme=programme)
    problems = fit_problems(
        sex=sex,
        age=age,
        client_groups=stated_groups,
        on=timezone.localdate(),
        service=service,
        programme=programme,
        for_public=True,
    )
    if problems:
        raise NotEligibleError([str(p) for p in problems])
    if age is not None:
        person_age_band = band_for_age(age)
    if person_age_band not in AgeBand.values:
        person_age_band = AgeBand.UNKNOWN
    receiving_organisation_id, days = receiving_terms(service=service, programme=programme)
    now = _now()
    referral = Referral.objects.create(
        service=service,
        programme=programme,
        receiving_organisation_id=receiving_organisation_id,
        reason=reason.strip(),
        need_categories=needs,
        source_kind=SourceKind.SELF_REFERRAL,
        contact_name=contact_name.strip()[:200],
        contact_phone=contact_phone.strip()[:30],
        contact_email=contact_email.strip(),
        person_age_band=person_age_band,
        person_sex=sex if sex in ("F", "M", "X") else "",
        client_groups=stated_groups,
        consent_basis=ConsentBasis.CONSENT,
        consent_given_by=ConsentGivenBy.PERSON,
        consent_given_at=now,
        consent_scope=(consent_scope.strip() or "shared with the service I asked for help from")[:500],
        status=Status.SENT,
        sent_at=now,
        acknowledge_by=add_working_days(timezone.localdate(), days),
    )
    _add_event(referral, actor=None, from_status="", to_status=Status.SENT)
    audit.record(
        actor=None,
        actor_label="member of the public (self-referral)",
        tag=audit.AuditTag.REFERRALS_REFERRAL_CREATE,
        obj=referral,
        purpose=_("self-referral to %(target)s") % {"target": referral.target_name},
        recipient=f"organisation {receiving_organisation_id}",
        detail={"self_referral": True},
    )
    _notify_receivers(referral)
    return referral


# --- notifications ---------------------------------------------------------------------------------------


def _referral_link(referral: Referral) -> str:
    return f"{getattr(settings, 'UPSTREAM_BASE_URL', '')}{reverse('referrals:detail', args=[referral.pk])}"


def notify(*, recipients: Iterable[Any], referral: Referral, message: str) -> list[Notification]:
    """Returns the in-app notifications made for the recipients, and emails them after the change commits."""
    made = [
        Notification.objects.create(recipient=user, referral=referral, message=message[:300]) for user in recipients
    ]
    addresses = sorted({user.email for user in recipients if getattr(user, "email", "")})
    if addresses:
        link = _referral_link(referral)
        # Mail goes only once the change is stored, so nobody is told of a move that was rolled back. The
        # message holds a reference and a link, never the person's details: email is not a secure channel.
        transaction.on_commit(
            lambda: send_mail(
                subject=message[:150],
                message=_("%(message)s\n\nSign in to Upstream to see it: %(link)s")
                % {"message": message, "link": link},
                from_email=None,
                recipient_list=addresses,
                fail_silently=True,
            )
        )
    return made


def _receivers(referral: Referral) -> list[Any]:
    from upstream.accounts.models import User

    users = User.objects.filter(organisation_id=referral.receiving_organisation_id, is_active=True)
    return [u for u in users if u.role_set & policies.RECEIVING_ROLES and not hasattr_api_key(u)]


def hasattr_api_key(user: Any) -> bool:
    """Returns whether the user is an API key's service account (they are never notified)."""
    return ApiKey.objects.filter(user_id=user.pk).exists()


def _notify_receivers(referral: Referral) -> None:
    notify(
        recipients=_receivers(referral),
        referral=referral,
        message=_("New referral %(reference)s to %(target)s")
        % {"reference": referral.reference, "target": referral.target_name},
    )


def _notify_referrer(referral: Referral, actor: Any) -> None:
    referrer = referral.referred_by
    if referrer is None or referrer.pk == getattr(actor, "pk", None) or not referrer.is_active:
        return
    notify(
        recipients=[referrer],
        referral=referral,
        message=_("Referral %(reference)s is now %(status)s")
        % {"reference": referral.reference, "status": str(referral.get_status_display()).lower()},
    )


@transaction.atomic
def mark_notifications_read(*, actor: Any, ids: Iterable[int] | None = None) -> int:
    """Returns how many of the actor's notifications were marked as read (all of them when no ids are given)."""
    queryset = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=_now())


# --- programmes and enrolments ---------------------------------------------------------------------------


@transaction.atomic
def create_programme(
    *,
    actor: Any,
    name: str,
    places: int,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    description: str = "",
    capacity_kind: str = CapacityKind.CONCURRENT,
    minimum_age: int | None = None,
    maximum_age: int | None = None,
    eligible_sex: str = EligibleSex.ANY,
    client_groups: Iterable[str] = (),
    need_categories: Iterable[str] = (),
    conditions: str = "",
    acknowledge_within_days: int = 5,
    accepts_self_referrals: bool = False,
) -> Programme:
    """Returns a new programme run by the actor's organisation."""
    require(actor, policies.PROGRAMME_MANAGE)
    if getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(actor, policies.PROGRAMME_MANAGE)
    programme = Programme(
        name=name.strip(),
        description=description.strip(),
        organisation_id=actor.organisation_id,
        places=places,
        capacity_kind=capacity_kind,
        starts_on=starts_on,
        ends_on=ends_on,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        eligible_sex=eligible_sex,
        client_groups=sorted(set(client_groups)),
        need_categories=sorted(set(need_categories)),
        conditions=conditions.strip(),
        acknowledge_within_days=acknowledge_within_days,
        accepts_self_referrals=accepts_self_referrals,
    )
    programme.full_clean()
    programme.save()
    return programme


def places_used(programme: Programme) -> int:
    """Returns how many of the programme's places are taken (completions count when places are for the whole run)."""
    taken = [EnrolmentStatus.ENROLLED]
    if programme.capacity_kind == CapacityKind.TOTAL:
        taken.append(EnrolmentStatus.COMPLETED)
    return Enrolment.objects.filter(programme=programme, status__in=taken).count()


def eligibility_problems(programme: Programme, person: Any, on: dt.date) -> list[str]:
    """Returns why the person is not eligible for the programme on the date (empty when they are)."""
    age = _age_on(person.date_of_birth, on) if person.date_of_birth is not None else None
    return _programme_problems(programme, sex=person.sex or "", age=age, on=on)


def _programme_problems(programme: Programme, *, sex: str, age: int | None, on: dt.date) -> list[str]:
    problems: list[str] = []
    if programme.ends_on is not None and on > programme.ends_on:
        problems.append(_("The programme has ended."))
    if programme.eligible_sex and sex in ("M", "F") and sex != programme.eligible_sex:
        problems.append(
            _("The programme is for %(who)s.") % {"who": str(EligibleSex(programme.eligible_sex).label).lower()}
        )
    if age is not None:
        if programme.minimum_age is not None and age < programme.minimum_age:
            problems.append(_("The programme is for people aged %(min)s or over.") % {"min": programme.minimum_age})
        if programme.maximum_age is not None and age > programme.maximum_age:
            problems.append(_("The programme is for people aged %(max)s or under.") % {"max": programme.maximum_age})
    return problems


def _age_on(date_of_birth: dt.date, on: dt.date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def target_client_groups(*, service: Any = None, programme: Programme | None = None) -> list[str]:
    """Returns the client groups the service (from its directory profile) or programme is for; empty = anyone."""
    target = service if service is not None else programme
    return list(getattr(target, "client_groups", None) or [])


def target_sex(*, service: Any = None, programme: Programme | None = None) -> str:
    """Returns "F" or "M" when the service or programme is for one sex only, else ""."""
    if programme is not None:
        return programme.eligible_sex or ""
    return {"female": "F", "male": "M"}.get(getattr(service, "eligibility_sex", "") or "", "")


def target_has_age_limits(*, service: Any = None, programme: Programme | None = None) -> bool:
    """Returns whether the service or programme sets a minimum or maximum age."""
    target = service if service is not None else programme
    return getattr(target, "minimum_age", None) is not None or getattr(target, "maximum_age", None) is not None


def fit_problems(
    *,
    sex: str,
    age: int | None,
    client_groups: Iterable[str],
    on: dt.date,
    service: Any = None,
    programme: Programme | None = None,
    for_public: bool = False,
) -> list[str]:
    """Returns why someone of this sex, age and client groups falls outside the service or programme (empty: fits).

    An unknown sex ("", "U", "X") or age is left to the receiver; a target with client groups needs at least one
    of them among those given. ``for_public`` words the client-group problem for the person themselves.
    """
    from upstream.directory.vocab import CLIENT_GROUPS

    if programme is not None:
        problems = _programme_problems(programme, sex=sex, age=age, on=on)
    else:
        problems = []
        wanted = target_sex(service=service)
        if wanted and sex in ("M", "F") and sex != wanted:
            women, men = _("The service is for women and girls only."), _("The service is for men and boys only.")
            problems.append(women if wanted == "F" else men)
        low, high = getattr(service, "minimum_age", None), getattr(service, "maximum_age", None)
        if age is not None:
            if low is not None and age < low:
                problems.append(_("The service is for people aged %(min)s or over.") % {"min": f"{low:g}"})
            if high is not None and age > high:
                problems.append(_("The service is for people aged %(max)s or under.") % {"max": f"{high:g}"})
    groups = target_client_groups(service=service, programme=programme)
    if groups and not set(client_groups) & set(groups):
        names = ", ".join(str(CLIENT_GROUPS.get(g, g)) for g in groups)
        if for_public:
            problems.append(_("It is for: %(groups)s.") % {"groups": names})
        else:
            problems.append(
                _("It is for: %(groups)s. Say which of these the person is, or give the reason to refer them anyway.")
                % {"groups": names}
            )
    return problems


def referral_eligibility_problems(
    *, person: Any, client_groups: Iterable[str], on: dt.date, service: Any = None, programme: Programme | None = None
) -> list[str]:
    """Returns why the person falls outside whom the service or programme is for (empty when they fit).

    Sex and age are checked against the person's record where it says them (an unknown sex or date of birth
    is left to the receiver); client groups against the groups the referrer says the person belongs to.
    """
    age = _age_on(person.date_of_birth, on) if person.date_of_birth is not None else None
    return fit_problems(
        sex=person.sex or "", age=age, client_groups=client_groups, on=on, service=service, programme=programme
    )


def _locked_programme(programme: Programme) -> Programme:
    # Places are counted and taken under the programme's row lock, so two enrolments cannot both take the
    # last place (SQLite's IMMEDIATE transactions serialise writers already).
    return Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def enrol_person(
    *,
    actor: Any,
    programme: Programme,
    person: Any,
    referral: Referral | None = None,
    check_eligibility: bool = True,
) -> Enrolment:
    """Returns the person's enrolment: a place when one is free, otherwise the next place on the waiting list."""
    require(actor, policies.ENROLMENT_MANAGE)
    programme = _locked_programme(programme)
    if programme.organisation_id != getattr(actor, "organisation_id", None):
        raise PermissionDenied(actor, policies.ENROLMENT_MANAGE, programme)
    if not can(actor, people_policies.PERSON_VIEW, person):
        raise PermissionDenied(actor, policies.ENROLMENT_MANAGE, person)
    if Enrolment.objects.filter(
        programme=programme, person=person, status__in=[EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED]
    ).exists():
        raise ValidationError(_("This person is already on the programme or its waiting list."), code="duplicate")
    if check_eligibility:
        problems = eligibility_problems(programme, person, timezone.localdate())
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems), code="not_eligible")
    now = _now()
    if places_used(programme) < programme.places:
        enrolment = Enrolment.objects.create(
            programme=programme,
            person=person,
            referral=referral,
            status=EnrolmentStatus.ENROLLED,
            enrolled_at=now,
            created_by=actor,
        )
    else:
        last = Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.WAITING).aggregate(
            last=Max("waiting_position")
        )["last"]
        enrolment = Enrolment.objects.create(
            programme=programme,
            person=person,
            referral=referral,
            status=EnrolmentStatus.WAITING,
            waiting_position=(last or 0) + 1,
            created_by=actor,
        )
    audit.record(
        actor=actor,
        tag=audit.AuditTag.REFERRALS_ENROLMENT_CREATE,
        obj=enrolment,
        purpose=_("programme %(name)s") % {"name": programme.name},
        detail={"person": person.pk, "status": enrolment.status, "waiting_position": enrolment.waiting_position},
    )
    return enrolment


def _promote_waiting(actor: Any, programme: Programme) -> Enrolment | None:
    if places_used(programme) >= programme.places:
        return None
    head = (
        Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.WAITING)
        .order_by("waiting_position", "pk")
        .first()
    )
    if head is None:
        return None
    head.status = EnrolmentStatus.ENROLLED
    head.enrolled_at = _now()
    head.waiting_position = None
    head.save(update_fields=["status", "enrolled_at", "waiting_position"])
    # Everyone behind moves up one, so positions always read 1, 2, 3 …
    Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.WAITING).update(
        waiting_position=F("waiting_position") - 1
    )
    audit.record(
        actor=actor,
        tag=audit.AuditTag.REFERRALS_ENROLMENT_UPDATE,
        obj=head,
        purpose=_("place offered from the waiting list"),
        detail={"status": EnrolmentStatus.ENROLLED},
    )
    return head


def _close_enrolment(*, actor: Any, enrolment: Enrolment, status: str, outcome: str, note: str) -> Enrolment:
    require(actor, policies.ENROLMENT_MANAGE, enrolment)
    programme = _locked_programme(enrolment.programme)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    allowed_from = (
        {EnrolmentStatus.ENROLLED}
        if status == EnrolmentStatus.COMPLETED
        else {
            EnrolmentStatus.ENROLLED,
            EnrolmentStatus.WAITING,
        }
    )
    if enrolment.status not in allowed_from:
        raise ValidationError(
            _("This enrolment is %(status)s, so it cannot be changed that way.")
            % {"status": str(enrolment.get_status_display()).lower()}
        )
    was_waiting = enrolment.status == EnrolmentStatus.WAITING
    old_position = enrolment.waiting_position
    enrolment.status = status
    enrolment.outcome = outcome
    enrolment.outcome_note = note.strip()
    setattr(enrolment, "completed_at" if status == EnrolmentStatus.COMPLETED else "withdrawn_at", _now())
    enrolment.waiting_position = None
    enrolment.save()
    if was_waiting and old_position is not None:
        Enrolment.objects.filter(
            programme=programme, status=EnrolmentStatus.WAITING, waiting_position__gt=old_position
        ).update(waiting_position=F("waiting_position") - 1)
    audit.record(
        actor=actor,
        tag=audit.AuditTag.REFERRALS_ENROLMENT_UPDATE,
        obj=enrolment,
        purpose=_("programme %(name)s") % {"name": programme.name},
        detail={"status": status, "outcome": outcome},
    )
    _promote_waiting(actor, programme)
    return enrolment


@transaction.atomic
def complete_enrolment(*, actor: Any, enrolment: Enrolment, outcome: str, note: str = "") -> Enrolment:
    """Returns the enrolment completed with its outcome; a freed place goes to the head of the waiting list."""
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose the outcome"), code="outcome")
    return _close_enrolment(
        actor=actor, enrolment=enrolment, status=EnrolmentStatus.COMPLETED, outcome=outcome, note=note
    )


@transaction.atomic
def withdraw_enrolment(*, actor: Any, enrolment: Enrolment, note: str = "") -> Enrolment:
    """Returns the enrolment withdrawn; its place (or queue position) goes to the next person waiting."""
    return _close_enrolment(actor=actor, enrolment=enrolment, status=EnrolmentStatus.WITHDRAWN, outcome="", note=note)


# --- API keys --------------------------------------------------------------------------------------------

API_KEY_PARTS = 3  # "upk", the prefix, the secret
API_KEY_ROLES = (policies.Role.PARTNER_CASEWORKER,)


def hash_api_key(key: str) -> str:
    """Returns the stored hash of an API key (keys are long and random, so a plain SHA-256 suffices)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def create_api_key(*, organisation: Any, name: str, created_by_label: str) -> tuple[ApiKey, str]:
    """Returns a new API key for an organisation and the key itself, which is shown once and never stored."""
    from upstream.accounts.models import User

    if not name.strip():
        raise ValidationError(_("Enter a name for the key"))
    prefix = secrets.token_hex(4)
    key = f"upk_{prefix}_{secrets.token_urlsafe(32)}"
    user = User(
        username=f"api-{prefix}",
        first_name=name.strip()[:150],
        organisation=organisation,
        roles=[str(r) for r in API_KEY_ROLES],
    )
    user.set_unusable_password()
    user.save()
    api_key = ApiKey.objects.create(
        organisation=organisation, name=name.strip()[:100], user=user, prefix=prefix, key_hash=hash_api_key(key)
    )
    audit.record(
        actor=None,
        actor_label=created_by_label,
        tag=audit.AuditTag.REFERRALS_API_KEY_CREATE,
        obj=api_key,
        detail={"organisation": organisation.pk, "prefix": prefix, "name": api_key.name},
    )
    return api_key, key


def user_for_api_key(key: str) -> Any:
    """Returns the service account of a live API key, or None when the key is unknown or revoked."""
    parts = key.split("_", 2)
    if len(parts) != API_KEY_PARTS or parts[0] != "upk":
        return None
    api_key = ApiKey.objects.select_related("user").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if api_key is None or not secrets.compare_digest(api_key.key_hash, hash_api_key(key)):
        return None
    if not api_key.user.is_active:
        return None
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=_now())
    return api_key.user
