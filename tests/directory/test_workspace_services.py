"""The co-ordinator's workspace: verification, edits, provider proposals, public reports, notes, providers.

Every change must land in the HSDS metadata change log and the audit log, and the policy must refuse
anyone without the role (or, for a proposal, anyone whose organisation does not run the service).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.core.roles import Role
from upstream.directory.models import (
    ChangeProposal,
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
from upstream.directory.workspace import queries, services
from upstream.directory.workspace.services import WorkspaceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def charity():
    return Organisation.objects.create(name="Harbour Light", kind=OrganisationKind.CHARITY)


@pytest.fixture
def coordinator(charity):
    force = Organisation.objects.create(name="Wessex Police", kind=OrganisationKind.POLICE_FORCE)
    return User.objects.create_user(
        username="keeper", first_name="Dana", last_name="Keeper", organisation=force, roles=[Role.DIRECTORY_COORDINATOR]
    )


@pytest.fixture
def officer(coordinator):
    return User.objects.create_user(username="officer", organisation=coordinator.organisation, roles=[Role.OFFICER])


@pytest.fixture
def provider(charity):
    return User.objects.create_user(
        username="provider",
        first_name="Pat",
        last_name="Provider",
        organisation=charity,
        roles=[Role.PARTNER_CASEWORKER],
    )


@pytest.fixture
def other_provider():
    other = Organisation.objects.create(name="Elsewhere Trust", kind=OrganisationKind.CHARITY)
    return User.objects.create_user(username="other", organisation=other, roles=[Role.PARTNER_CASEWORKER])


@pytest.fixture
def service(charity):
    entry = Organization.objects.create(name="Harbour Light")
    ProviderLink.objects.create(organization=entry, organisation=charity)
    record = Service.objects.create(
        organization=entry,
        name="Harbour Light drop-in",
        description="Tea and advice.",
        last_verified_at=timezone.localdate() - dt.timedelta(days=400),
        last_verified_by="Imported list",
        recheck_interval_days=180,
    )
    Phone.objects.create(service=record, number="01632 960001")
    return record


def _log(service, field):
    return Metadata.objects.filter(resource_id=service.pk, field_name=field).order_by("-last_action_date").first()


def test_the_queue_lists_overdue_and_never_checked_records_and_not_fresh_ones(coordinator, service):
    never = Service.objects.create(name="Never checked", last_verified_at=None)
    fresh = Service.objects.create(name="Fresh", last_verified_at=timezone.localdate(), recheck_interval_days=30)
    closed = Service.objects.create(name="Gone", status=ServiceStatus.DEFUNCT, last_verified_at=None)
    due = queries.due_for_verification(actor=coordinator)
    names = [d.service.name for d in due]
    assert names[0] == never.name  # never checked comes first
    assert service.name in names
    assert fresh.name not in names
    assert closed.name not in names
    overdue = next(d for d in due if d.service.pk == service.pk)
    assert overdue.days_overdue == 400 - 180


def test_a_short_interval_brings_a_record_back_sooner(coordinator):
    record = Service.objects.create(
        name="Weekly check", last_verified_at=timezone.localdate() - dt.timedelta(days=10), recheck_interval_days=7
    )
    assert record.pk in [d.service.pk for d in queries.due_for_verification(actor=coordinator)]


def test_marking_checked_records_who_and_when_in_the_change_log_and_audit(coordinator, service):
    services.verify_service(actor=coordinator, service=service, recheck_interval_days=90)
    service.refresh_from_db()
    assert service.last_verified_at == timezone.localdate()
    # Published fields name the role and organisation, never the person (the audit log keeps who).
    assert service.last_verified_by == "Directory co-ordinator, Wessex Police"
    assert service.recheck_interval_days == 90
    assert _log(service, "last_verified_at").replacement_value == timezone.localdate().isoformat()
    assert _log(service, "last_verified_by").previous_value == "Imported list"
    assert AuditEvent.objects.filter(tag="directory:service:verify", object_id=str(service.pk)).exists()
    assert service.pk not in [d.service.pk for d in queries.due_for_verification(actor=coordinator)]


def test_only_the_coordinator_may_verify_edit_or_close(officer, provider, service):
    for actor in (officer, provider):
        with pytest.raises(PermissionDenied):
            services.verify_service(actor=actor, service=service)
        with pytest.raises(PermissionDenied):
            services.edit_service(actor=actor, service=service, changes={"name": "Hijacked"})
        with pytest.raises(PermissionDenied):
            services.close_service(actor=actor, service=service, reason="no")
        with pytest.raises(PermissionDenied):
            queries.due_for_verification(actor=actor)


def test_editing_logs_each_changed_field_and_only_those(coordinator, service):
    values = services.current_values(service)
    changed = services.edit_service(
        actor=coordinator,
        service=service,
        changes={**values, "name": "Harbour Light café", "phone": "01632 960002"},
        verified=True,
    )
    assert sorted(changed) == ["name", "phone"]
    service.refresh_from_db()
    assert service.name == "Harbour Light café"
    assert service.phones.get().number == "01632 960002"
    assert _log(service, "name").previous_value == "Harbour Light drop-in"
    assert _log(service, "phone").replacement_value == "01632 960002"
    assert not Metadata.objects.filter(resource_id=service.pk, field_name="description").exists()
    assert service.last_verified_at == timezone.localdate()
    event = AuditEvent.objects.get(tag="directory:service:update")
    assert event.detail["fields"] == ["name", "phone"]
    # The search index follows the edit.
    assert "café" in service.text.body


def test_closing_needs_a_reason_and_takes_the_service_off_the_public_page(client, coordinator, service):
    with pytest.raises(WorkspaceError):
        services.close_service(actor=coordinator, service=service, reason="  ")
    services.close_service(actor=coordinator, service=service, reason="Provider says it stopped in March")
    service.refresh_from_db()
    assert service.status == ServiceStatus.DEFUNCT
    assert _log(service, "status").replacement_value == "defunct"
    assert AuditEvent.objects.get(tag="directory:service:close").detail["reason"].startswith("Provider")
    assert client.get(f"/directory/services/{service.pk}/").status_code == 404


def test_a_provider_proposes_and_nothing_changes_until_approved(coordinator, provider, service):
    proposal = services.propose_change(
        actor=provider,
        service=service,
        changes={**services.current_values(service), "description": "Tea, advice and a hot meal."},
        note="We now serve lunch.",
    )
    assert proposal.changes == {"description": "Tea, advice and a hot meal."}  # only what differs
    assert proposal.original == {"description": "Tea and advice."}
    service.refresh_from_db()
    assert service.description == "Tea and advice."
    assert list(queries.pending_proposals(actor=coordinator)) == [proposal]
    diff = queries.proposal_diff(proposal)
    assert diff[0]["now"] == "Tea and advice."
    assert diff[0]["proposed"] == "Tea, advice and a hot meal."

    services.decide_proposal(actor=coordinator, proposal=proposal, approve=True)
    service.refresh_from_db()
    assert service.description == "Tea, advice and a hot meal."
    assert service.last_verified_at == timezone.localdate()
    log = _log(service, "description")
    # Published: the role and organisation of each, never their names (the audit log keeps who).
    assert log.updated_by == "Partner caseworker, Harbour Light, approved by Directory co-ordinator, Wessex Police"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.decided_by == coordinator
    assert AuditEvent.objects.filter(tag="directory:proposal:create").exists()
    assert AuditEvent.objects.get(tag="directory:proposal:decide").detail["fields"] == ["description"]
    with pytest.raises(WorkspaceError):
        services.decide_proposal(actor=coordinator, proposal=proposal, approve=False, reason="again")


def test_a_rejection_needs_a_reason_and_changes_nothing(coordinator, provider, service):
    proposal = services.propose_change(actor=provider, service=service, changes={"name": "Better name"})
    with pytest.raises(WorkspaceError):
        services.decide_proposal(actor=coordinator, proposal=proposal, approve=False, reason="")
    services.decide_proposal(actor=coordinator, proposal=proposal, approve=False, reason="That is not its name")
    service.refresh_from_db()
    proposal.refresh_from_db()
    assert service.name == "Harbour Light drop-in"
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.decision_reason == "That is not its name"


def test_only_the_organisation_that_runs_a_service_may_propose(other_provider, officer, provider, service):
    with pytest.raises(PermissionDenied):
        services.propose_change(actor=other_provider, service=service, changes={"name": "Mine now"})
    with pytest.raises(PermissionDenied):
        services.propose_change(actor=officer, service=service, changes={"name": "Mine now"})
    with pytest.raises(WorkspaceError):  # nothing differs
        services.propose_change(actor=provider, service=service, changes=services.current_values(service))
    assert not ChangeProposal.objects.exists()
    with pytest.raises(PermissionDenied):
        services.decide_proposal(
            actor=provider,
            proposal=ChangeProposal.objects.create(service=service, changes={"name": "x"}),
            approve=True,
        )


def test_a_provider_cannot_change_the_status_through_a_proposal(provider, service):
    with pytest.raises(WorkspaceError):
        services.propose_change(actor=provider, service=service, changes={"status": "defunct"})


def test_resolving_a_report_can_close_the_service(coordinator, service):
    report = ProblemReport.objects.create(service=service, message="It closed last year, the hall is a café.")
    assert list(queries.open_reports(actor=coordinator)) == [report]
    with pytest.raises(WorkspaceError):
        services.resolve_problem(actor=coordinator, report=report, resolution="")
    services.resolve_problem(actor=coordinator, report=report, resolution="Rang them: closed.", close=True)
    report.refresh_from_db()
    service.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED
    assert report.resolved_by == coordinator
    assert service.status == ServiceStatus.DEFUNCT
    assert not queries.open_reports(actor=coordinator).exists()
    assert AuditEvent.objects.get(tag="directory:problem:resolve").detail["closed"] is True


def test_staff_notes_are_for_staff_and_audited(coordinator, officer, service):
    note = services.add_note(actor=officer, service=service, text="Ring before 10am.")
    assert queries.notes_for(actor=coordinator, service=service) == [note]
    assert queries.notes_for(actor=None, service=service) is None
    assert AuditEvent.objects.filter(tag="directory:note:create").exists()
    with pytest.raises(PermissionDenied):
        services.add_note(actor=None, service=service, text="From outside")
    with pytest.raises(WorkspaceError):
        services.add_note(actor=officer, service=service, text="x" * 2001)
    assert StaffNote.objects.count() == 1


def test_linking_a_provider_lets_its_staff_propose(coordinator, other_provider, service):
    assert not list(queries.provider_services(actor=other_provider))
    services.link_provider(
        actor=coordinator, organization=service.organization, organisation_id=other_provider.organisation_id
    )
    assert list(queries.provider_services(actor=other_provider)) == [service]
    services.propose_change(actor=other_provider, service=service, changes={"wait_time": "A week"})
    services.link_provider(actor=coordinator, organization=service.organization, organisation_id=None)
    assert not ProviderLink.objects.exists()
    assert AuditEvent.objects.filter(tag="directory:provider:link").count() == 2
