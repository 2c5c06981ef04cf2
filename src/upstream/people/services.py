"""Every change to people and households: each checks the policy, runs in one transaction, and audits.

If the audit write fails the change fails with it: the audit event is written inside the same
transaction as the change, so either both are stored or neither is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.models import AccessGrant
from upstream.core.policy import PermissionDenied, require
from upstream.people import policies
from upstream.people.models import (
    PERSONAL_FIELDS,
    Basis,
    DatePrecision,
    Household,
    HouseholdMembership,
    HouseholdRelationship,
    Person,
    PersonRecordRole,
    RecordRoleKind,
    Sex,
)

# The fields a caseworker may correct; the controller, regime and history are not among them.
EDITABLE_FIELDS = (
    "legal_regime",
    "purpose",
    "retention_class",
    "forenames",
    "surname",
    "other_names",
    "date_of_birth",
    "date_of_birth_precision",
    "sex",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
)


def normalise_date_of_birth(value: dt.date | None, precision: str) -> tuple[dt.date | None, str]:
    """Returns a date of birth and its precision, with the unknown parts of a partial date set to 1."""
    if value is None:
        return None, ""
    precision = precision or DatePrecision.DAY
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1), precision
    if precision == DatePrecision.MONTH:
        return value.replace(day=1), precision
    return value, DatePrecision.DAY


def _require_controller(actor: Any, action: str, record: Person | Household) -> None:
    # A grant lets another organisation read a record; only the controller's own staff change, erase or
    # pass it on, because the controller answers for it under the DPA.
    if not policies.is_controller(actor, record):
        raise PermissionDenied(actor, action, record)


def _refuse_if_erased(person: Person) -> None:
    if person.is_erased:
        raise ValidationError(_("This person's details have been erased, so the record cannot be changed."))


def _locked(person: Person) -> Person:
    # Re-read under a row lock so two edits of one person cannot interleave (a no-op lock on SQLite, whose
    # IMMEDIATE transactions already serialise writers).
    return Person.objects.select_for_update().get(pk=person.pk)


@transaction.atomic
def create_person(
    *,
    actor: Any,
    legal_regime: str,
    purpose: str,
    retention_class: str,
    forenames: str = "",
    surname: str = "",
    other_names: str = "",
    date_of_birth: dt.date | None = None,
    date_of_birth_precision: str = "",
    sex: str = Sex.UNKNOWN,
    address_line_1: str = "",
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
    phone: str = "",
    email: str = "",
) -> Person:
    """Returns a new person record held by the actor's organisation, audited as a collection."""
    require(actor, policies.PERSON_CREATE)
    if getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(actor, policies.PERSON_CREATE)
    date_of_birth, date_of_birth_precision = normalise_date_of_birth(date_of_birth, date_of_birth_precision)
    person = Person(
        controller_id=actor.organisation_id,
        legal_regime=legal_regime,
        purpose=purpose,
        retention_class=retention_class,
        forenames=forenames.strip(),
        surname=surname.strip(),
        other_names=other_names.strip(),
        date_of_birth=date_of_birth,
        date_of_birth_precision=date_of_birth_precision,
        sex=sex,
        address_line_1=address_line_1.strip(),
        address_line_2=address_line_2.strip(),
        town=town.strip(),
        postcode=postcode.strip().upper(),
        phone=phone.strip(),
        email=email.strip(),
        created_by=actor,
    )
    person.full_clean()
    person.save()
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_CREATE,
        obj=person,
        purpose=purpose,
        detail={"legal_regime": legal_regime, "retention_class": retention_class},
    )
    return person


@transaction.atomic
def update_person(*, actor: Any, person: Person, purpose: str = "", **changes: Any) -> Person:
    """Returns the person with the changes saved, audited as an alteration naming the fields changed."""
    require(actor, policies.PERSON_UPDATE, person)
    _require_controller(actor, policies.PERSON_UPDATE, person)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"These fields cannot be changed this way: {', '.join(sorted(unknown))}")
    person = _locked(person)
    _refuse_if_erased(person)
    if "date_of_birth" in changes or "date_of_birth_precision" in changes:
        changes["date_of_birth"], changes["date_of_birth_precision"] = normalise_date_of_birth(
            changes.get("date_of_birth", person.date_of_birth),
            changes.get("date_of_birth_precision", person.date_of_birth_precision),
        )
    if "postcode" in changes:
        changes["postcode"] = (changes["postcode"] or "").strip().upper()
    changed = sorted(name for name, value in changes.items() if getattr(person, name) != value)
    if not changed:
        return person
    for name in changed:
        setattr(person, name, changes[name])
    person.full_clean()
    person.save(update_fields=[*changed, "updated_at"])
    # The audit names the fields, never their values: the log must not become a second copy of the
    # personal data, which erasure could not reach.
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_UPDATE,
        obj=person,
        purpose=purpose or person.purpose,
        detail={"fields": changed},
    )
    return person


@transaction.atomic
def erase_person(*, actor: Any, person: Person, reason: str) -> Person:
    """Returns the person's tombstone after blanking every personal field, audited as an erasure."""
    require(actor, policies.PERSON_ERASE, person)
    _require_controller(actor, policies.PERSON_ERASE, person)
    if not reason.strip():
        raise ValidationError(_("Enter why this person's details are being erased"))
    person = _locked(person)
    if person.is_erased:
        return person
    blank: dict[str, Any] = {name: None if Person._meta.get_field(name).null else "" for name in PERSONAL_FIELDS}
    blank["sex"] = Sex.UNKNOWN
    for name, value in blank.items():
        setattr(person, name, value)
    person.erased_at = timezone.now()
    person.erased_by = actor
    person.save()
    # Nothing is deleted: memberships, record roles, grants and the audit trail keep pointing at the
    # tombstone, which now says only who held it, why, and when it was erased.
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_ERASE,
        obj=person,
        purpose=reason.strip(),
        detail={"retention_class": person.retention_class, "fields": sorted(PERSONAL_FIELDS)},
    )
    return person


@transaction.atomic
def share_person(
    *,
    actor: Any,
    person: Person,
    purpose: str,
    agreement: str = "",
    organisation: Any = None,
    user: Any = None,
    expires_at: dt.datetime | None = None,
) -> AccessGrant:
    """Returns a new grant sharing the person with an organisation or one user, audited as a disclosure."""
    require(actor, policies.PERSON_SHARE, person)
    _require_controller(actor, policies.PERSON_SHARE, person)
    person = _locked(person)
    _refuse_if_erased(person)
    if (organisation is None) == (user is None):
        raise ValidationError(_("Choose one organisation or one person to share with"))
    if not purpose.strip():
        raise ValidationError(_("Enter the purpose of sharing"))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The end of sharing must be in the future"))
    grant = AccessGrant.objects.create(
        object_type=policies.PERSON_OBJECT_TYPE,
        object_id=str(person.pk),
        granted_to_organisation_id=organisation.pk if organisation is not None else None,
        granted_to_user=user,
        granted_by=actor,
        purpose=purpose.strip(),
        agreement=agreement.strip(),
        expires_at=expires_at,
    )
    recipient = f"organisation {organisation.pk}: {organisation}" if organisation is not None else f"user {user}"
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_SHARE,
        obj=person,
        purpose=grant.purpose,
        recipient=recipient,
        detail={
            "grant": grant.pk,
            "agreement": grant.agreement,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return grant


@transaction.atomic
def link_person(*, actor: Any, person: Person, resolved_person_id: str, purpose: str = "") -> Person:
    """Returns the person linked to the analytics side's resolved person, audited as a combination."""
    require(actor, policies.PERSON_LINK, person)
    _require_controller(actor, policies.PERSON_LINK, person)
    person = _locked(person)
    _refuse_if_erased(person)
    person.resolved_person_id = resolved_person_id.strip() or None
    person.save(update_fields=["resolved_person_id", "updated_at"])
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_LINK,
        obj=person,
        purpose=purpose or person.purpose,
        detail={"resolved_person_id": person.resolved_person_id},
    )
    return person


@transaction.atomic
def create_household(
    *,
    actor: Any,
    address_line_1: str,
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
    area: Any = None,
    purpose: str = "",
) -> Household:
    """Returns a new household held by the actor's organisation, audited as a collection."""
    require(actor, policies.HOUSEHOLD_CREATE)
    if getattr(actor, "organisation_id", None) is None:
        raise PermissionDenied(actor, policies.HOUSEHOLD_CREATE)
    household = Household(
        controller_id=actor.organisation_id,
        address_line_1=address_line_1.strip(),
        address_line_2=address_line_2.strip(),
        town=town.strip(),
        postcode=postcode.strip().upper(),
        area=area,
        created_by=actor,
    )
    household.full_clean()
    household.save()
    audit.record(actor=actor, tag=audit.AuditTag.PEOPLE_HOUSEHOLD_CREATE, obj=household, purpose=purpose)
    return household


@transaction.atomic
def add_household_member(
    *,
    actor: Any,
    household: Household,
    person: Person,
    relationship: str = HouseholdRelationship.OTHER,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    purpose: str = "",
) -> HouseholdMembership:
    """Returns the new membership of a person in a household, audited as an alteration of the household."""
    require(actor, policies.HOUSEHOLD_UPDATE, household)
    _require_controller(actor, policies.HOUSEHOLD_UPDATE, household)
    require(actor, policies.PERSON_VIEW, person)
    person = _locked(person)
    _refuse_if_erased(person)
    membership = HouseholdMembership(
        household=household,
        person=person,
        relationship=relationship,
        from_date=from_date,
        to_date=to_date,
        created_by=actor,
    )
    membership.full_clean()
    membership.save()
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_HOUSEHOLD_UPDATE,
        obj=household,
        purpose=purpose,
        detail={"added_person": person.pk, "membership": membership.pk, "relationship": relationship},
    )
    return membership


@transaction.atomic
def record_role(
    *,
    actor: Any,
    person: Person,
    record_type: str,
    record_id: str | int,
    role: str,
    basis: str = Basis.FACT,
    purpose: str = "",
) -> PersonRecordRole:
    """Returns the person's new role in a record (as fact or assessment), audited as a collection."""
    require(actor, policies.PERSON_UPDATE, person)
    person = _locked(person)
    _refuse_if_erased(person)
    if role not in RecordRoleKind.values:
        raise ValidationError(_("Choose a role from the list"))
    record_role_row = PersonRecordRole(
        person=person,
        record_type=record_type,
        record_id=str(record_id),
        role=role,
        basis=basis,
        recorded_by=actor,
    )
    record_role_row.full_clean()
    record_role_row.save()
    audit.record(
        actor=actor,
        tag=audit.AuditTag.PEOPLE_PERSON_ROLE_RECORD,
        obj=person,
        purpose=purpose or person.purpose,
        detail={"record_type": record_type, "record_id": str(record_id), "role": role, "basis": basis},
    )
    return record_role_row
