"""The audit log (Data Protection Act 2018 s.62).

Every collection, alteration, consultation, disclosure, combination and erasure of personal data calls
:func:`record` inside the same transaction as the act, so if the audit write fails the act fails too.
Rows are hash-chained: each row's hash covers its own fields and the previous row's hash, so a changed,
removed or inserted row breaks the chain at that point, and `upstream audit verify` names it. Database
triggers (core/migrations) refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from upstream.core.models import AuditEvent

GENESIS_HASH = "0" * 64


class Operation(StrEnum):
    """The s.62 categories of processing that must be logged."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"
    SECURITY = "security"  # sign-in, lockout, two-factor: not s.62, but kept in the same chain


class AuditTag(StrEnum):
    """Every audited act, as "source:subject:action"; capability packages add theirs here."""

    ACCOUNTS_USER_SIGN_IN = "accounts:user:sign-in"
    ACCOUNTS_USER_SIGN_IN_FAILED = "accounts:user:sign-in-failed"
    ACCOUNTS_USER_LOCKED_OUT = "accounts:user:locked-out"
    ACCOUNTS_USER_SIGN_OUT = "accounts:user:sign-out"
    ACCOUNTS_USER_MFA_ENROL = "accounts:user:mfa-enrol"
    ACCOUNTS_USER_CREATE = "accounts:user:create"
    ACCOUNTS_USER_SECOND_FACTOR = "accounts:user:second-factor"
    ACCOUNTS_USER_SECOND_FACTOR_FAILED = "accounts:user:second-factor-failed"
    ACCOUNTS_USER_PASSWORD_CHANGE = "accounts:user:password-change"  # noqa: S105 - an audit tag, not a secret
    ACCOUNTS_USER_MFA_RESET = "accounts:user:mfa-reset"
    PEOPLE_PERSON_CREATE = "people:person:create"
    PEOPLE_PERSON_VIEW = "people:person:view"
    PEOPLE_PERSON_LIST = "people:person:list"
    PEOPLE_PERSON_UPDATE = "people:person:update"
    PEOPLE_PERSON_ERASE = "people:person:erase"
    PEOPLE_PERSON_SHARE = "people:person:share"
    PEOPLE_HOUSEHOLD_CREATE = "people:household:create"
    PEOPLE_HOUSEHOLD_UPDATE = "people:household:update"
    PEOPLE_HOUSEHOLD_VIEW = "people:household:view"
    PEOPLE_PERSON_ROLE_RECORD = "people:person-role:create"
    PEOPLE_PERSON_LINK = "people:person:link"
    CORE_AUDIT_VIEW = "core:audit:view"
    DIRECTORY_HSDS_IMPORT = "directory:hsds:import"
    DIRECTORY_HSDS_EXPORT = "directory:hsds:export"
    DIRECTORY_PROBLEM_REPORT = "directory:problem:report"
    DIRECTORY_SERVICE_VERIFY = "directory:service:verify"
    DIRECTORY_SERVICE_UPDATE = "directory:service:update"
    DIRECTORY_SERVICE_CLOSE = "directory:service:close"
    DIRECTORY_PROPOSAL_CREATE = "directory:proposal:create"
    DIRECTORY_PROPOSAL_DECIDE = "directory:proposal:decide"
    DIRECTORY_PROBLEM_RESOLVE = "directory:problem:resolve"
    DIRECTORY_DUPLICATE_DECIDE = "directory:duplicate:decide"
    DIRECTORY_CHECK_RUN = "directory:check:run"
    DIRECTORY_CHECK_RESOLVE = "directory:check:resolve"
    DIRECTORY_NOTE_CREATE = "directory:note:create"
    DIRECTORY_GUIDE_SAVE = "directory:guide:save"
    DIRECTORY_PROVIDER_LINK = "directory:provider:link"
    CORE_AUDIT_EXPORT = "core:audit:export"
    REFERRALS_REFERRAL_CREATE = "referrals:referral:create"
    REFERRALS_REFERRAL_VIEW = "referrals:referral:view"
    REFERRALS_REFERRAL_LIST = "referrals:referral:list"
    REFERRALS_REFERRAL_SEND = "referrals:referral:send"
    REFERRALS_REFERRAL_MOVE = "referrals:referral:move"
    REFERRALS_ENROLMENT_CREATE = "referrals:enrolment:create"
    REFERRALS_ENROLMENT_UPDATE = "referrals:enrolment:update"
    REFERRALS_STATISTICS_EXPORT = "referrals:statistics:export"
    REFERRALS_API_KEY_CREATE = "referrals:api-key:create"
    REFERRALS_REFERRAL_ERASE = "referrals:referral:erase"
    REFERRALS_API_REFUSED = "referrals:api:refused"
    PROBLEMS_PLAN_CREATE = "problems:plan:create"
    PROBLEMS_PLAN_VIEW = "problems:plan:view"
    PROBLEMS_PLAN_UPDATE = "problems:plan:update"
    PROBLEMS_PLAN_MOVE = "problems:plan:move"
    PROBLEMS_PLAN_PARTNER = "problems:plan:partner"
    PROBLEMS_SCORE_OVERRIDE = "problems:score:override"
    PROBLEMS_ACTION_CREATE = "problems:action:create"
    PROBLEMS_ACTION_UPDATE = "problems:action:update"
    PROBLEMS_SURVEY_ATTACH = "problems:survey:attach"
    PROBLEMS_DASHBOARD_EXPORT = "problems:dashboard:export"
    TRANSLATION_LANGUAGE_ADD = "translation:language:add"
    TRANSLATION_TEXT_SAVE = "translation:text:save"
    TRANSLATION_TEXT_MACHINE_DRAFT = "translation:text:machine-draft"
    TRANSLATION_TEXT_REVIEW = "translation:text:review"
    TRANSLATION_TEXT_PUBLISH = "translation:text:publish"
    TRANSLATION_TEXT_UNPUBLISH = "translation:text:unpublish"
    TRANSLATION_MACHINE_REQUEST = "translation:machine:request"
    GAPS_ANALYSIS_EXPORT = "gaps:analysis:export"
    TRIGGERS_RUN_START = "triggers:run:start"
    TRIGGERS_RUN_LOAD = "triggers:run:load"
    TRIGGERS_TRIGGER_LIST = "triggers:trigger:list"
    TRIGGERS_TRIGGER_VIEW = "triggers:trigger:view"
    TRIGGERS_TRIGGER_DECIDE = "triggers:trigger:decide"
    TRIGGERS_DEMAND_VIEW = "triggers:demand:view"
    PLACES_ANALYSIS_START = "places:analysis:start"
    PLACES_PRIORITY_CREATE = "places:priority:create"

    RECORDS_PERSON_VIEW = "records:person:view"
    RECORDS_PERSON_SEARCH = "records:person:search"
    RECORDS_PERSON_LINK = "records:person:link"
    RECORDS_PERSON_UNLINK = "records:person:unlink"
    RECORDS_PAIR_LIST = "records:pair:list"
    RECORDS_PAIR_VIEW = "records:pair:view"
    RECORDS_PAIR_UNSURE = "records:pair:unsure"
    RECORDS_LINK_RUN = "records:link:run"
    RECORDS_HISTORY_VIEW = "records:history:view"
    RECORDS_IMPORT_RUN = "records:import:run"
    RECORDS_IMPORT_VIEW = "records:import:view"


TAG_OPERATIONS: dict[str, Operation] = {
    AuditTag.ACCOUNTS_USER_SIGN_IN: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_SIGN_IN_FAILED: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_LOCKED_OUT: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_SIGN_OUT: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_MFA_ENROL: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_CREATE: Operation.COLLECTION,
    AuditTag.ACCOUNTS_USER_SECOND_FACTOR: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_SECOND_FACTOR_FAILED: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_PASSWORD_CHANGE: Operation.SECURITY,
    AuditTag.ACCOUNTS_USER_MFA_RESET: Operation.SECURITY,
    AuditTag.PEOPLE_PERSON_CREATE: Operation.COLLECTION,
    AuditTag.PEOPLE_PERSON_VIEW: Operation.CONSULTATION,
    AuditTag.PEOPLE_PERSON_LIST: Operation.CONSULTATION,
    AuditTag.PEOPLE_PERSON_UPDATE: Operation.ALTERATION,
    AuditTag.PEOPLE_PERSON_ERASE: Operation.ERASURE,
    AuditTag.PEOPLE_PERSON_SHARE: Operation.DISCLOSURE,
    AuditTag.PEOPLE_HOUSEHOLD_CREATE: Operation.COLLECTION,
    AuditTag.PEOPLE_HOUSEHOLD_UPDATE: Operation.ALTERATION,
    AuditTag.PEOPLE_HOUSEHOLD_VIEW: Operation.CONSULTATION,
    AuditTag.PEOPLE_PERSON_ROLE_RECORD: Operation.COLLECTION,
    AuditTag.PEOPLE_PERSON_LINK: Operation.COMBINATION,
    AuditTag.CORE_AUDIT_VIEW: Operation.CONSULTATION,
    AuditTag.DIRECTORY_HSDS_IMPORT: Operation.ALTERATION,
    AuditTag.DIRECTORY_HSDS_EXPORT: Operation.DISCLOSURE,
    AuditTag.DIRECTORY_PROBLEM_REPORT: Operation.COLLECTION,
    AuditTag.DIRECTORY_SERVICE_VERIFY: Operation.ALTERATION,
    AuditTag.DIRECTORY_SERVICE_UPDATE: Operation.ALTERATION,
    AuditTag.DIRECTORY_SERVICE_CLOSE: Operation.ALTERATION,
    AuditTag.DIRECTORY_PROPOSAL_CREATE: Operation.COLLECTION,
    AuditTag.DIRECTORY_PROPOSAL_DECIDE: Operation.ALTERATION,
    AuditTag.DIRECTORY_PROBLEM_RESOLVE: Operation.ALTERATION,
    AuditTag.DIRECTORY_DUPLICATE_DECIDE: Operation.ALTERATION,
    AuditTag.DIRECTORY_CHECK_RUN: Operation.CONSULTATION,
    AuditTag.DIRECTORY_CHECK_RESOLVE: Operation.ALTERATION,
    AuditTag.DIRECTORY_NOTE_CREATE: Operation.COLLECTION,
    AuditTag.DIRECTORY_GUIDE_SAVE: Operation.ALTERATION,
    AuditTag.DIRECTORY_PROVIDER_LINK: Operation.ALTERATION,
    AuditTag.CORE_AUDIT_EXPORT: Operation.DISCLOSURE,
    AuditTag.REFERRALS_REFERRAL_CREATE: Operation.COLLECTION,
    AuditTag.REFERRALS_REFERRAL_VIEW: Operation.CONSULTATION,
    AuditTag.REFERRALS_REFERRAL_LIST: Operation.CONSULTATION,
    AuditTag.REFERRALS_REFERRAL_SEND: Operation.DISCLOSURE,
    AuditTag.REFERRALS_REFERRAL_MOVE: Operation.ALTERATION,
    AuditTag.REFERRALS_ENROLMENT_CREATE: Operation.COLLECTION,
    AuditTag.REFERRALS_ENROLMENT_UPDATE: Operation.ALTERATION,
    AuditTag.REFERRALS_STATISTICS_EXPORT: Operation.DISCLOSURE,
    AuditTag.REFERRALS_API_KEY_CREATE: Operation.SECURITY,
    AuditTag.REFERRALS_REFERRAL_ERASE: Operation.ERASURE,
    AuditTag.REFERRALS_API_REFUSED: Operation.SECURITY,
    AuditTag.PROBLEMS_PLAN_CREATE: Operation.COLLECTION,
    AuditTag.PROBLEMS_PLAN_VIEW: Operation.CONSULTATION,
    AuditTag.PROBLEMS_PLAN_UPDATE: Operation.ALTERATION,
    AuditTag.PROBLEMS_PLAN_MOVE: Operation.ALTERATION,
    AuditTag.PROBLEMS_PLAN_PARTNER: Operation.DISCLOSURE,
    AuditTag.PROBLEMS_SCORE_OVERRIDE: Operation.ALTERATION,
    AuditTag.PROBLEMS_ACTION_CREATE: Operation.COLLECTION,
    AuditTag.PROBLEMS_ACTION_UPDATE: Operation.ALTERATION,
    AuditTag.PROBLEMS_SURVEY_ATTACH: Operation.COLLECTION,
    AuditTag.PROBLEMS_DASHBOARD_EXPORT: Operation.DISCLOSURE,
    AuditTag.TRANSLATION_LANGUAGE_ADD: Operation.ALTERATION,
    AuditTag.TRANSLATION_TEXT_SAVE: Operation.ALTERATION,
    AuditTag.TRANSLATION_TEXT_MACHINE_DRAFT: Operation.ALTERATION,
    AuditTag.TRANSLATION_TEXT_REVIEW: Operation.ALTERATION,
    AuditTag.TRANSLATION_TEXT_PUBLISH: Operation.ALTERATION,
    AuditTag.TRANSLATION_TEXT_UNPUBLISH: Operation.ALTERATION,
    AuditTag.TRANSLATION_MACHINE_REQUEST: Operation.ALTERATION,
    AuditTag.GAPS_ANALYSIS_EXPORT: Operation.DISCLOSURE,
    AuditTag.TRIGGERS_RUN_START: Operation.COMBINATION,
    AuditTag.TRIGGERS_RUN_LOAD: Operation.COLLECTION,
    AuditTag.TRIGGERS_TRIGGER_LIST: Operation.CONSULTATION,
    AuditTag.TRIGGERS_TRIGGER_VIEW: Operation.CONSULTATION,
    AuditTag.TRIGGERS_TRIGGER_DECIDE: Operation.ALTERATION,
    AuditTag.TRIGGERS_DEMAND_VIEW: Operation.CONSULTATION,
    AuditTag.PLACES_ANALYSIS_START: Operation.COLLECTION,
    AuditTag.PLACES_PRIORITY_CREATE: Operation.COLLECTION,
    AuditTag.RECORDS_PERSON_VIEW: Operation.CONSULTATION,
    AuditTag.RECORDS_PERSON_SEARCH: Operation.CONSULTATION,
    AuditTag.RECORDS_PERSON_LINK: Operation.COMBINATION,
    AuditTag.RECORDS_PERSON_UNLINK: Operation.COMBINATION,
    AuditTag.RECORDS_PAIR_LIST: Operation.CONSULTATION,
    AuditTag.RECORDS_PAIR_VIEW: Operation.CONSULTATION,
    AuditTag.RECORDS_PAIR_UNSURE: Operation.ALTERATION,
    AuditTag.RECORDS_LINK_RUN: Operation.COMBINATION,
    AuditTag.RECORDS_HISTORY_VIEW: Operation.CONSULTATION,
    AuditTag.RECORDS_IMPORT_RUN: Operation.COLLECTION,
    AuditTag.RECORDS_IMPORT_VIEW: Operation.CONSULTATION,
}


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """Returns the fields of an event that its hash covers."""
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "tag": event.tag,
        "operation": event.operation,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "recipient": event.recipient,
        "detail": event.detail,
        "previous_hash": event.previous_hash,
    }


def compute_hash(event: AuditEvent) -> str:
    """Returns the chain hash of an event."""
    return hashlib.sha256(_canonical(hashed_fields(event))).hexdigest()


def _lock_chain() -> None:
    # Appends must be serialised so two writers never chain onto the same previous row. SQLite already
    # serialises writers (transactions begin IMMEDIATE); PostgreSQL takes a transaction-level advisory lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x5550_5354])  # "UPST"


def record(
    *,
    actor: Any,
    tag: AuditTag | str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    purpose: str = "",
    recipient: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Writes one audit event for an act on personal data, in the caller's transaction."""
    tag = str(tag)
    operation = TAG_OPERATIONS.get(tag)
    if operation is None:
        raise ValueError(f"Unknown audit tag {tag!r}: add it to AuditTag and TAG_OPERATIONS")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        event = AuditEvent(
            sequence=(last[0] + 1) if last else 1,
            occurred_at=timezone.now(),
            actor=actor if authenticated else None,
            # A signed-in actor is named by username; otherwise the caller may say who (the command line).
            actor_label=actor.get_username() if authenticated else (actor_label or "anonymous"),
            organisation_id=getattr(actor, "organisation_id", None) if authenticated else None,
            tag=tag,
            operation=str(operation),
            object_type=object_type,
            object_id=str(object_id),
            purpose=purpose,
            recipient=recipient,
            # Round-trip through JSON so the hash is computed on exactly what the database will return.
            detail=json.loads(_canonical(detail or {})),
            previous_hash=last[1] if last else GENESIS_HASH,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
    return event
