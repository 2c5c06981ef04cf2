"""Every read of the co-ordinator's workspace, each given the actor and refused without the right role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from upstream.core.policy import require, role_allows
from upstream.directory import policies
from upstream.directory.models import (
    ChangeProposal,
    CheckKind,
    CheckResult,
    CheckRun,
    ProblemReport,
    ProposalStatus,
    ProviderLink,
    Service,
    ServiceStatus,
    StaffNote,
)
from upstream.directory.workspace.duplicates import Candidate, find_duplicates
from upstream.directory.workspace.services import EDITABLE_FIELDS, current_values


@dataclass(frozen=True)
class DueRecord:
    """A service due for re-checking: when it was last checked, by whom, and how overdue it is."""

    service: Service
    due_on: dt.date | None
    days_overdue: int | None  # None: never checked


def due_for_verification(*, actor: Any, today: dt.date | None = None, limit: int = 500) -> list[DueRecord]:
    """Returns open services whose re-check date has come (never checked first, then most overdue)."""
    require(actor, policies.WORKSPACE_VIEW)
    today = today or timezone.localdate()
    rows = Service.objects.exclude(status=ServiceStatus.DEFUNCT).values_list(
        "pk", "last_verified_at", "recheck_interval_days"
    )
    due: list[tuple[Any, dt.date | None]] = []
    for pk, last, interval in rows:
        if last is None:
            due.append((pk, None))
            continue
        due_on = last + dt.timedelta(days=interval or 0)
        if due_on <= today:
            due.append((pk, due_on))
    due.sort(key=lambda pair: (pair[1] is not None, pair[1] or dt.date.min))
    due = due[:limit]
    services = Service.objects.select_related("organization").in_bulk([pk for pk, _ in due])
    return [
        DueRecord(services[pk], due_on, (today - due_on).days if due_on else None)
        for pk, due_on in due
        if pk in services
    ]


def due_count(actor: Any) -> int | None:
    """Returns how many services are due for re-checking (the home page's figure)."""
    if not role_allows(actor, policies.WORKSPACE_VIEW):
        return None
    return len(due_for_verification(actor=actor, limit=10**9))


def pending_proposals(*, actor: Any) -> QuerySet[ChangeProposal]:
    """Returns providers' proposed changes waiting for a decision, oldest first."""
    require(actor, policies.PROPOSAL_DECIDE)
    return ChangeProposal.objects.filter(status=ProposalStatus.PENDING).select_related("service", "organisation")


def proposal(*, actor: Any, proposal_id: int) -> ChangeProposal | None:
    """Returns one proposal for the co-ordinator, or for the provider organisation that made it."""
    record = ChangeProposal.objects.select_related("service", "organisation").filter(pk=proposal_id).first()
    if record is None:
        return None
    if role_allows(actor, policies.PROPOSAL_DECIDE):
        return record
    if getattr(actor, "organisation_id", None) and record.organisation_id == actor.organisation_id:
        return record
    return None


def proposal_diff(record: ChangeProposal) -> list[dict[str, Any]]:
    """Returns each proposed field: its label, the value when proposed, the value now and the proposed value."""
    now = current_values(record.service)
    return [
        {
            "field": name,
            "label": str(EDITABLE_FIELDS.get(name, name)),
            "was": record.original.get(name, ""),
            "now": now.get(name, ""),
            "proposed": value,
            "changed_since": now.get(name, "") != record.original.get(name, ""),
        }
        for name, value in record.changes.items()
    ]


def proposals_by_organisation(*, actor: Any) -> QuerySet[ChangeProposal]:
    """Returns the proposals made by the actor's organisation, newest first."""
    require(actor, policies.PROPOSAL_CREATE)
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return ChangeProposal.objects.none()
    return (
        ChangeProposal.objects.filter(organisation_id=organisation_id)
        .select_related("service")
        .order_by("-created_at", "-pk")
    )


def provider_services(*, actor: Any) -> QuerySet[Service]:
    """Returns the open services run by the organisations linked to the actor's organisation."""
    require(actor, policies.PROPOSAL_CREATE)
    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None:
        return Service.objects.none()
    linked = ProviderLink.objects.filter(organisation_id=organisation_id).values("organization_id")
    return (
        Service.objects.filter(organization_id__in=linked)
        .exclude(status=ServiceStatus.DEFUNCT)
        .select_related("organization")
        .order_by("name", "pk")
    )


def open_reports(*, actor: Any) -> QuerySet[ProblemReport]:
    """Returns the public's reports not yet dealt with, oldest first."""
    require(actor, policies.PROBLEM_RESOLVE)
    return (
        ProblemReport.objects.filter(status=ProblemReport.Status.NEW)
        .select_related("service", "service__organization")
        .order_by("reported_at", "pk")
    )


def duplicates(*, actor: Any) -> list[Candidate]:
    """Returns likely duplicate pairs not yet decided."""
    require(actor, policies.DUPLICATE_DECIDE)
    return find_duplicates()


def latest_runs(*, actor: Any) -> dict[str, CheckRun | None]:
    """Returns the latest run of each kind of check (websites, phones)."""
    require(actor, policies.CHECK_RUN)
    return {kind: CheckRun.objects.filter(kind=kind).first() for kind in CheckKind.values}


def check_run(*, actor: Any, run_id: int) -> CheckRun | None:
    """Returns one check run, for its progress."""
    require(actor, policies.CHECK_RUN)
    return CheckRun.objects.filter(pk=run_id).first()


def open_check_tasks(*, actor: Any) -> QuerySet[CheckResult]:
    """Returns failed checks from the latest finished run of each kind that nobody has dealt with yet."""
    require(actor, policies.CHECK_RUN)
    latest = [
        run_id
        for run_id in (
            CheckRun.objects.filter(kind=kind, status=CheckRun.Status.FINISHED).values_list("pk", flat=True).first()
            for kind in CheckKind.values
        )
        if run_id is not None
    ]
    return (
        CheckResult.objects.filter(run_id__in=latest, ok=False, dealt_with_at__isnull=True)
        .select_related("service")
        .order_by("kind", "service__name", "pk")
    )


def notes_for(*, actor: Any, service: Service) -> list[StaffNote] | None:
    """Returns the staff notes on a service for staff, or None for anyone else (the public never sees them)."""
    if not role_allows(actor, policies.NOTE_VIEW) or not getattr(actor, "is_authenticated", False):
        return None
    return list(StaffNote.objects.filter(service=service))


def counts(*, actor: Any) -> dict[str, int]:
    """Returns how many items wait in each queue, for the workspace's overview."""
    require(actor, policies.WORKSPACE_VIEW)
    return {
        "due": len(due_for_verification(actor=actor, limit=10**9)),
        "proposals": pending_proposals(actor=actor).count(),
        "reports": open_reports(actor=actor).count(),
        "checks": open_check_tasks(actor=actor).count(),
    }
