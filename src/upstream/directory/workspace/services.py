"""Every write of the co-ordinator's workspace: checks, edits, proposals, reports, duplicates, staff notes.

Each function checks the policy, runs in one transaction, writes one HSDS metadata row per changed field
(the HSDS change log) and one audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from upstream.core import audit
from upstream.core.audit import AuditTag
from upstream.core.policy import PermissionDenied, require
from upstream.core.roles import Role
from upstream.directory import policies
from upstream.directory.models import (
    ChangeProposal,
    CheckKind,
    CheckResult,
    CheckRun,
    DuplicateDecision,
    Metadata,
    Organization,
    Phone,
    ProblemReport,
    ProposalStatus,
    ProviderLink,
    Service,
    ServiceStatus,
    StaffNote,
)
from upstream.directory.services import refresh_service_index

# The fields of a service the co-ordinator may edit and a provider may propose changes to, with their labels.
# "phone" is the service's first phone number (a Phone row in HSDS).
EDITABLE_FIELDS: dict[str, Any] = {
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("Description"),
    "url": gettext_lazy("Website"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "application_process": gettext_lazy("How to get help"),
    "eligibility_description": gettext_lazy("Who it is for"),
    "fees_description": gettext_lazy("Cost"),
    "wait_time": gettext_lazy("Waiting time"),
    "alert": gettext_lazy("Alert shown at the top of the page"),
    "status": gettext_lazy("Status"),
    "capacity_status": gettext_lazy("Taking new people"),
}
# Fields a merge may fill on the kept record when it has none and the duplicate has one.
MERGE_FILLS = ("description", "url", "email", "application_process", "eligibility_description", "fees_description")
# The role a published label names when a person holds several, the keeper's first.
PUBLIC_ROLE_ORDER = (Role.DIRECTORY_COORDINATOR, Role.ADMINISTRATOR, Role.PARTNER_CASEWORKER)
MAX_NOTE = 2000
MAX_REASON = 1000


class WorkspaceError(ValueError):
    """A request the workspace cannot carry out, with what to do about it."""


def actor_label(actor: Any) -> str:
    """Returns how staff-only pages name a person: their full name, else their user name."""
    name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return (name or getattr(actor, "username", "") or "Upstream")[:200]


def public_label(actor: Any) -> str:
    """Returns how published fields name who acted: their role and organisation, never their name.

    ``last_verified_by`` and the HSDS change log are published by the API and the export, so they say
    "Directory co-ordinator, Avonmere Police"; the audit log keeps which person it was.
    """
    roles: frozenset[str] = getattr(actor, "role_set", frozenset())
    role = next((r for r in PUBLIC_ROLE_ORDER if r in roles), None)
    label = str(Role(role).label) if role else "Upstream"
    organisation = getattr(actor, "organisation", None)
    return (f"{label}, {organisation}" if organisation else label)[:200]


def current_values(service: Service) -> dict[str, str]:
    """Returns the editable fields of a service as text, as the forms and the diff show them."""
    values = {name: str(getattr(service, name) or "") for name in EDITABLE_FIELDS if name != "phone"}
    phone = _first_phone(service)
    values["phone"] = phone.number if phone else ""
    return values


def _first_phone(service: Service) -> Phone | None:
    return Phone.objects.filter(service=service).order_by("pk").first()


def _log(service: Service, field: str, previous: Any, replacement: Any, by: str, *, action: str = "update") -> None:
    Metadata.objects.create(
        resource_id=service.pk,
        resource_type="service",
        last_action_date=timezone.now(),
        last_action_type=action,
        field_name=field,
        previous_value="" if previous is None else str(previous),
        replacement_value="" if replacement is None else str(replacement),
        updated_by=by[:200],
    )


def _apply(service: Service, changes: dict[str, str], by: str) -> list[str]:
    """Sets the changed fields of a service, logs each one, and returns the names of those that changed."""
    before = current_values(service)
    changed: list[str] = []
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS or before.get(field, "") == value:
            continue
        if field == "status" and value not in ServiceStatus.values:
            raise WorkspaceError(_("%(value)s is not a service status.") % {"value": value})
        if field == "phone":
            phone = _first_phone(service)
            if phone is None and value:
                Phone.objects.create(service=service, number=value, type="voice")
            elif phone is not None and value:
                phone.number = value
                phone.save(update_fields=["number"])
            elif phone is not None:
                phone.delete()
        else:
            setattr(service, field, value)
        _log(service, field, before.get(field, ""), value, by)
        changed.append(field)
    if changed:
        service.last_modified = timezone.now()
        service.save()
        refresh_service_index(service=service)
    return changed


def _verify(service: Service, by: str, today: dt.date) -> None:
    _log(service, "last_verified_at", service.last_verified_at, today.isoformat(), by, action="verify")
    if service.last_verified_by != by:
        _log(service, "last_verified_by", service.last_verified_by, by, by, action="verify")
    service.last_verified_at = today
    service.last_verified_by = by
    service.save(update_fields=["last_verified_at", "last_verified_by"])


def verify_service(*, actor: Any, service: Service, recheck_interval_days: int | None = None) -> Service:
    """Records that the co-ordinator checked a service today (and, if given, when to check it next)."""
    require(actor, policies.SERVICE_VERIFY, service)
    by = public_label(actor)
    with transaction.atomic():
        _verify(service, by, timezone.localdate())
        if recheck_interval_days and recheck_interval_days != service.recheck_interval_days:
            _log(service, "recheck_interval_days", service.recheck_interval_days, recheck_interval_days, by)
            service.recheck_interval_days = recheck_interval_days
            service.save(update_fields=["recheck_interval_days"])
        audit.record(actor=actor, tag=AuditTag.DIRECTORY_SERVICE_VERIFY, obj=service)
    return service


def edit_service(*, actor: Any, service: Service, changes: dict[str, str], verified: bool = False) -> list[str]:
    """Changes a service's details as the co-ordinator, and marks it checked if they say they checked it."""
    require(actor, policies.SERVICE_EDIT, service)
    by = public_label(actor)
    with transaction.atomic():
        changed = _apply(service, changes, by)
        if verified:
            _verify(service, by, timezone.localdate())
        audit.record(
            actor=actor,
            tag=AuditTag.DIRECTORY_SERVICE_UPDATE,
            obj=service,
            detail={"fields": changed, "verified": verified},
        )
    return changed


def close_service(*, actor: Any, service: Service, reason: str) -> Service:
    """Marks a service closed (HSDS "defunct"): it leaves search and its public page, but keeps its history."""
    require(actor, policies.SERVICE_CLOSE, service)
    reason = reason.strip()[:MAX_REASON]
    if not reason:
        raise WorkspaceError(_("Say why the service is closed."))
    with transaction.atomic():
        _apply(service, {"status": ServiceStatus.DEFUNCT}, public_label(actor))
        audit.record(actor=actor, tag=AuditTag.DIRECTORY_SERVICE_CLOSE, obj=service, detail={"reason": reason})
    return service


def propose_change(*, actor: Any, service: Service, changes: dict[str, str], note: str = "") -> ChangeProposal:
    """Stores a provider's proposed change to one of its own services, for the co-ordinator to approve."""
    require(actor, policies.PROPOSAL_CREATE)
    if not policies.runs_service(actor, service):
        raise PermissionDenied(actor, policies.PROPOSAL_CREATE, service)
    now = current_values(service)
    wanted = {k: str(v).strip() for k, v in changes.items() if k in EDITABLE_FIELDS and k != "status"}
    wanted = {k: v for k, v in wanted.items() if v != now.get(k, "")}
    if not wanted:
        raise WorkspaceError(_("Nothing was changed. Change at least one detail, or go back."))
    with transaction.atomic():
        proposal = ChangeProposal.objects.create(
            service=service,
            proposed_by=actor,
            proposed_by_label=actor_label(actor),
            organisation_id=actor.organisation_id,
            original={k: now.get(k, "") for k in wanted},
            changes=wanted,
            note=note.strip()[:MAX_NOTE],
        )
        audit.record(
            actor=actor,
            tag=AuditTag.DIRECTORY_PROPOSAL_CREATE,
            obj=proposal,
            detail={"service": str(service.pk), "fields": sorted(wanted)},
        )
    return proposal


def decide_proposal(*, actor: Any, proposal: ChangeProposal, approve: bool, reason: str = "") -> ChangeProposal:
    """Approves a provider's proposal (its changes apply at once) or rejects it with a reason."""
    require(actor, policies.PROPOSAL_DECIDE, proposal.service)
    reason = reason.strip()[:MAX_REASON]
    if not approve and not reason:
        raise WorkspaceError(_("Say why you are rejecting the change, so the provider can put it right."))
    with transaction.atomic():
        locked = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.PENDING:
            raise WorkspaceError(_("This change has already been decided."))
        changed: list[str] = []
        if approve:
            service = Service.objects.select_for_update().get(pk=locked.service_id)
            by = _("%(provider)s, approved by %(coordinator)s") % {
                "provider": public_label(locked.proposed_by) if locked.proposed_by else _("A provider"),
                "coordinator": public_label(actor),
            }
            changed = _apply(service, locked.changes, by)
            # The provider vouched for the record and the co-ordinator checked it: that is a verification.
            _verify(service, public_label(actor), timezone.localdate())
        locked.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_reason = reason
        locked.save()
        audit.record(
            actor=actor,
            tag=AuditTag.DIRECTORY_PROPOSAL_DECIDE,
            obj=locked,
            detail={"service": str(locked.service_id), "decision": locked.status, "fields": changed},
        )
    return locked


def resolve_problem(*, actor: Any, report: ProblemReport, resolution: str, close: bool = False) -> ProblemReport:
    """Marks a public report dealt with, saying what was done, and closes the service when it has closed."""
    require(actor, policies.PROBLEM_RESOLVE, report.service)
    resolution = resolution.strip()[:MAX_REASON]
    if not resolution:
        raise WorkspaceError(_("Say what you did about the report."))
    with transaction.atomic():
        if close:
            _apply(report.service, {"status": ServiceStatus.DEFUNCT}, public_label(actor))
        report.status = ProblemReport.Status.RESOLVED
        report.resolved_at = timezone.now()
        report.resolved_by = actor
        report.resolution = resolution
        report.save()
        audit.record(
            actor=actor,
            tag=AuditTag.DIRECTORY_PROBLEM_RESOLVE,
            obj=report,
            detail={"service": str(report.service_id), "closed": close},
        )
    return report


def decide_duplicate(
    *, actor: Any, first: Service, second: Service, merge: bool, keep: Service | None = None
) -> DuplicateDecision:
    """Records that two services are not duplicates, or merges them into the one to keep; never asked again."""
    require(actor, policies.DUPLICATE_DECIDE, first)
    if first.pk == second.pk:
        raise WorkspaceError(_("A service cannot be a duplicate of itself."))
    low, high = sorted([first, second], key=lambda s: str(s.pk))
    if merge and (keep is None or keep.pk not in (low.pk, high.pk)):
        raise WorkspaceError(_("Choose which of the two records to keep."))
    by = public_label(actor)
    detail: dict[str, Any] = {"first": str(low.pk), "second": str(high.pk), "merged": merge}
    try:
        with transaction.atomic():
            decision = DuplicateDecision.objects.create(
                first=low,
                second=high,
                decision=DuplicateDecision.Decision.MERGED if merge else DuplicateDecision.Decision.NOT_DUPLICATE,
                kept=keep if merge else None,
                decided_by=actor,
            )
            if merge and keep is not None:
                gone = high if keep.pk == low.pk else low
                fills = {f: str(getattr(gone, f)) for f in MERGE_FILLS if not getattr(keep, f) and getattr(gone, f)}
                _apply(keep, fills, by)
                for guide in gone.guides.all():
                    guide.services.add(keep)
                StaffNote.objects.filter(service=gone).update(service=keep)
                _apply(gone, {"status": ServiceStatus.DEFUNCT}, by)
                _log(gone, "merged_into", "", str(keep.pk), by, action="merge")
                detail.update({"kept": str(keep.pk), "filled": sorted(fills)})
            audit.record(actor=actor, tag=AuditTag.DIRECTORY_DUPLICATE_DECIDE, obj=decision, detail=detail)
    except IntegrityError:
        raise WorkspaceError(_("Someone has already decided about this pair.")) from None
    return decision


def start_checks(*, actor: Any, kind: str, wait: bool = False, actor_label: str = "") -> CheckRun:
    """Starts a background check of every open service's website or phone numbers, and returns its run.

    The command line (``actor`` None, as for imports) may ``wait``: the check then runs in this process.
    """
    if actor is not None:
        require(actor, policies.CHECK_RUN)
    if kind not in CheckKind.values:
        raise WorkspaceError(_("Choose websites or phone numbers."))
    from upstream.directory.workspace.tasks import run_directory_checks

    with transaction.atomic():
        run = CheckRun.objects.create(kind=kind, requested_by=actor)
        audit.record(
            actor=actor,
            actor_label=actor_label or ("" if actor is not None else "command line"),
            tag=AuditTag.DIRECTORY_CHECK_RUN,
            obj=run,
            detail={"kind": kind},
        )
    if wait:
        from upstream.directory.workspace.tasks import run_checks

        return run_checks(run.pk)
    # Enqueued after the run row is committed, so the worker always finds it.
    run_directory_checks.enqueue(run_id=run.pk)
    run.refresh_from_db()
    return run


def deal_with_result(*, actor: Any, result: CheckResult) -> CheckResult:
    """Takes a failed check off the co-ordinator's list once they have dealt with it."""
    require(actor, policies.CHECK_RUN, result.service)
    with transaction.atomic():
        result.dealt_with_at = timezone.now()
        result.dealt_with_by = actor
        result.save(update_fields=["dealt_with_at", "dealt_with_by"])
        audit.record(actor=actor, tag=AuditTag.DIRECTORY_CHECK_RESOLVE, obj=result)
    return result


def link_provider(*, actor: Any, organization: Organization, organisation_id: int | None) -> ProviderLink | None:
    """Lets the staff of an Upstream organisation propose changes to a directory organisation (None: nobody)."""
    require(actor, policies.PROVIDER_LINK)
    with transaction.atomic():
        link: ProviderLink | None = None
        if organisation_id is None:
            ProviderLink.objects.filter(organization=organization).delete()
        else:
            link, _created = ProviderLink.objects.update_or_create(
                organization=organization, defaults={"organisation_id": organisation_id}
            )
        audit.record(
            actor=actor,
            tag=AuditTag.DIRECTORY_PROVIDER_LINK,
            obj=organization,
            detail={"organisation": organisation_id},
        )
    return link


def add_note(*, actor: Any, service: Service, text: str) -> StaffNote:
    """Adds a staff-only note to a service (never shown on the public page, the API or the export)."""
    require(actor, policies.NOTE_CREATE, service)
    text = text.strip()
    if not text:
        raise WorkspaceError(_("Write the note."))
    if len(text) > MAX_NOTE:
        raise WorkspaceError(_("Keep the note under 2,000 characters."))
    organisation = getattr(actor, "organisation", None)
    with transaction.atomic():
        note = StaffNote.objects.create(
            service=service,
            author=actor,
            author_label=actor_label(actor),
            organisation_label=str(organisation or "")[:200],
            text=text,
        )
        audit.record(actor=actor, tag=AuditTag.DIRECTORY_NOTE_CREATE, obj=note, detail={"service": str(service.pk)})
    return note
