"""The workspace's pages and the staff parts of the service page, through the web client."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.roles import Role
from upstream.directory.models import (
    ChangeProposal,
    CheckRun,
    Organization,
    ProblemReport,
    ProposalStatus,
    ProviderLink,
    Service,
    StaffNote,
)
from upstream.directory.services import export_hsds

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Ring before 10am, ask for Dee"


@pytest.fixture
def charity():
    return Organisation.objects.create(name="Harbour Light", kind=OrganisationKind.CHARITY)


@pytest.fixture
def coordinator():
    return User.objects.create_user(username="keeper", first_name="Dana", roles=[Role.DIRECTORY_COORDINATOR])


@pytest.fixture
def officer():
    return User.objects.create_user(username="officer", roles=[Role.OFFICER])


@pytest.fixture
def provider(charity):
    return User.objects.create_user(username="provider", organisation=charity, roles=[Role.PARTNER_CASEWORKER])


@pytest.fixture
def service(charity):
    cache.clear()
    entry = Organization.objects.create(name="Harbour Light")
    ProviderLink.objects.create(organization=entry, organisation=charity)
    record = Service.objects.create(
        organization=entry,
        name="Harbour Light drop-in",
        description="Tea and advice.",
        last_verified_at=timezone.localdate() - dt.timedelta(days=365),
    )
    StaffNote.objects.create(service=record, text=SECRET_NOTE, author_label="Dana")
    return record


def test_the_coordinator_sees_every_queue(signed_in, coordinator, service):
    client = signed_in(coordinator)
    ProblemReport.objects.create(service=service, message="The phone rings out.")
    for url in (
        "/directory/workspace/",
        "/directory/workspace/verification/",
        "/directory/workspace/changes/",
        "/directory/workspace/reports/",
        "/directory/workspace/duplicates/",
        "/directory/workspace/checks/",
        "/directory/workspace/providers/",
        f"/directory/workspace/services/{service.pk}/edit/",
        f"/directory/workspace/services/{service.pk}/close/",
        f"/directory/workspace/services/{service.pk}/history/",
    ):
        assert client.get(url).status_code == 200, url
    assert "Harbour Light drop-in" in client.get("/directory/workspace/verification/").content.decode()
    assert "The phone rings out." in client.get("/directory/workspace/reports/").content.decode()


def test_other_staff_are_refused_and_the_public_sent_to_sign_in(client, signed_in, officer, service):
    assert client.get("/directory/workspace/verification/").status_code == 302
    signed_in(officer)
    for url in ("/directory/workspace/", "/directory/workspace/verification/", "/directory/workspace/checks/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/directory/workspace/services/{service.pk}/verify/").status_code == 403


def test_mark_checked_from_the_queue(signed_in, coordinator, service):
    client = signed_in(coordinator)
    response = client.post(f"/directory/workspace/services/{service.pk}/verify/", {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/directory/workspace/verification/"  # never off-site
    service.refresh_from_db()
    assert service.last_verified_at == timezone.localdate()
    public = client.get(f"/directory/services/{service.pk}/").content.decode()
    assert "Last checked on" in public


def test_edit_page_shows_errors_and_saves(signed_in, coordinator, service):
    client = signed_in(coordinator)
    bad = client.post(
        f"/directory/workspace/services/{service.pk}/edit/", {"name": "", "status": "active", "url": "ftp://x"}
    )
    assert bad.status_code == 400
    assert "Enter a web address starting with https://" in bad.content.decode()
    good = client.post(
        f"/directory/workspace/services/{service.pk}/edit/",
        {"name": "Harbour Light café", "description": "Tea and advice.", "status": "active", "verified": "on"},
    )
    assert good.status_code == 302
    service.refresh_from_db()
    assert service.name == "Harbour Light café"
    history = client.get(f"/directory/workspace/services/{service.pk}/history/").content.decode()
    assert "Harbour Light drop-in" in history  # the previous value, in the change log


def test_provider_proposes_and_coordinator_approves_through_the_pages(
    client, signed_in, provider, coordinator, service
):
    signed_in(provider)
    assert client.get("/directory/provider/").status_code == 200
    page = client.get(f"/directory/services/{service.pk}/").content.decode()
    assert "Propose a change to your service" in page
    response = client.post(
        f"/directory/provider/services/{service.pk}/",
        {"name": service.name, "description": "Tea, advice and lunch.", "note": "We serve lunch now."},
    )
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    client.logout()
    signed_in(coordinator)
    page = client.get(f"/directory/workspace/changes/{proposal.pk}/").content.decode()
    assert "Tea and advice." in page
    assert "Tea, advice and lunch." in page
    refused = client.post(f"/directory/workspace/changes/{proposal.pk}/", {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    assert client.post(f"/directory/workspace/changes/{proposal.pk}/", {"decision": "approve"}).status_code == 302
    service.refresh_from_db()
    proposal.refresh_from_db()
    assert service.description == "Tea, advice and lunch."
    assert proposal.status == ProposalStatus.APPROVED


def test_a_provider_cannot_touch_another_organisations_service(client, signed_in, charity):
    other = Service.objects.create(name="Not theirs")
    signed_in(User.objects.create_user(username="p2", organisation=charity, roles=[Role.PARTNER_CASEWORKER]))
    assert client.get(f"/directory/provider/services/{other.pk}/").status_code == 404
    assert client.post(f"/directory/provider/services/{other.pk}/", {"name": "Mine"}).status_code == 404


def test_staff_notes_show_to_staff_only_and_never_in_the_api_or_export(client, signed_in, officer, service, tmp_path):
    public = client.get(f"/directory/services/{service.pk}/").content.decode()
    assert SECRET_NOTE not in public
    assert "Notes for staff" not in public
    api = client.get(f"/api/hsds/services/{service.pk}").content.decode()
    assert SECRET_NOTE not in api
    export_hsds(actor=None, outdir=tmp_path)
    assert SECRET_NOTE not in (tmp_path / "services.json").read_text()
    signed_in(officer)
    staff = client.get(f"/directory/services/{service.pk}/").content.decode()
    assert SECRET_NOTE in staff
    response = client.post(f"/directory/services/{service.pk}/notes/", {"text": "They moved upstairs."})
    assert response.status_code == 302
    assert "They moved upstairs." in client.get(f"/directory/services/{service.pk}/").content.decode()
    assert (
        json.dumps("They moved upstairs.")[1:-1] not in client.get(f"/api/hsds/services/{service.pk}").content.decode()
    )


def test_the_public_cannot_add_notes(client, service):
    response = client.post(f"/directory/services/{service.pk}/notes/", {"text": "spam"})
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]
    assert StaffNote.objects.count() == 1


def test_starting_a_check_shows_its_progress(signed_in, coordinator, service):
    client = signed_in(coordinator)
    service.phones.create(number="01632 96012")
    response = client.post("/directory/workspace/checks/", {"kind": "phone"})
    assert response.status_code == 302
    run = CheckRun.objects.get()
    page = client.get("/directory/workspace/checks/").content.decode()
    assert "1 of 1 checked, 1 problems" in page
    assert "01632 96012" in page
    fragment = client.get(f"/directory/workspace/checks/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<div")
    assert "Finished" in fragment


def test_a_public_report_is_resolved_from_its_page(signed_in, coordinator, service):
    client = signed_in(coordinator)
    report = ProblemReport.objects.create(service=service, message="Closed for good.")
    assert client.post(f"/directory/workspace/reports/{report.pk}/", {"resolution": ""}).status_code == 400
    response = client.post(f"/directory/workspace/reports/{report.pk}/", {"resolution": "Rang them.", "close": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED


def test_the_queue_is_paged(signed_in, coordinator):
    client = signed_in(coordinator)
    Service.objects.bulk_create([Service(name=f"Stale {n:03d}", last_verified_at=None) for n in range(60)])
    first = client.get("/directory/workspace/verification/").content.decode()
    assert "60 records are due" in first
    assert "Next" in first
    second = client.get("/directory/workspace/verification/?page=2").content.decode()
    assert second.count("Mark checked") == 10
    assert client.get("/directory/workspace/verification/?page=abc").status_code == 200


def test_a_running_check_asks_for_its_progress_again_and_a_finished_one_stops(signed_in, coordinator):
    client = signed_in(coordinator)
    run = CheckRun.objects.create(kind="link", status=CheckRun.Status.RUNNING, total=10, done=3)
    fragment = client.get(f"/directory/workspace/checks/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "3 of 10 checked" in fragment
    page = client.get(f"/directory/workspace/checks/{run.pk}/").content.decode()
    assert "Reload the page" in page  # without JavaScript
    run.status = CheckRun.Status.FINISHED
    run.save()
    fragment = client.get(f"/directory/workspace/checks/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
