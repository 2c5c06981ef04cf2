"""Browser tests (Playwright, Debian chromium, axe-core): the directory co-ordinator's queues have no WCAG 2.2
AA violations, a record is marked checked and a provider's change approved with JavaScript off, and a check's
progress refreshes itself with JavaScript on under the strict CSP.

The plain helper functions of tests/browser/conftest.py are loaded by path (tests/ is not a package).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location("browser_conftest", Path(__file__).resolve().parent / "conftest.py")
_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_browser)
assert_no_axe_violations = _browser.assert_no_axe_violations
make_user = _browser.make_user
submit_sign_in = _browser.submit_sign_in


@pytest.fixture
def world(transactional_db):
    from upstream.directory.models import (
        ChangeProposal,
        Guide,
        Organization,
        Phone,
        ProblemReport,
        ProviderLink,
        Service,
        StaffNote,
    )

    coordinator = make_user("directory_coordinator")
    provider = make_user("partner_caseworker", organisation_kind="charity")
    entry = Organization.objects.create(name="Harbour Light")
    ProviderLink.objects.create(organization=entry, organisation=provider.organisation)
    old = timezone.localdate() - dt.timedelta(days=500)
    service = Service.objects.create(
        organization=entry, name="Harbour Light drop-in", description="Tea and advice.", last_verified_at=old
    )
    twin = Service.objects.create(organization=entry, name="Harbour Light drop-in service", last_verified_at=old)
    Phone.objects.create(service=service, number="01632 96012")
    ProblemReport.objects.create(service=service, message="The phone number rings out every time.")
    StaffNote.objects.create(service=service, text="Ring before 10am.", author_label="Dana")
    proposal = ChangeProposal.objects.create(
        service=service,
        proposed_by=provider,
        proposed_by_label="Test Provider",
        organisation=provider.organisation,
        original={"description": "Tea and advice."},
        changes={"description": "Tea, advice and lunch."},
    )
    Guide.objects.create(slug="find-a-food-bank", title="Find a food bank", body="## Steps\n- ring", status="published")
    return {"coordinator": coordinator, "provider": provider, "service": service, "twin": twin, "proposal": proposal}


def test_the_coordinator_queues_have_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["coordinator"].username)
    for path in (
        "/directory/workspace/",
        "/directory/workspace/verification/",
        "/directory/workspace/changes/",
        f"/directory/workspace/changes/{world['proposal'].pk}/",
        "/directory/workspace/reports/",
        "/directory/workspace/duplicates/",
        "/directory/workspace/checks/",
        f"/directory/workspace/services/{world['service'].pk}/edit/",
        f"/directory/workspace/services/{world['service'].pk}/history/",
        f"/directory/services/{world['service'].pk}/",
        "/directory/guides/",
        "/directory/guides/find-a-food-bank/",
        "/directory/workspace/guides/new/",
    ):
        browser_page.goto(path)
        assert "Sign in" not in browser_page.title(), path
        assert_no_axe_violations(browser_page)


def test_the_provider_pages_have_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["provider"].username)
    browser_page.goto("/directory/provider/")
    assert_no_axe_violations(browser_page)
    browser_page.goto(f"/directory/provider/services/{world['service'].pk}/")
    assert_no_axe_violations(browser_page)


def test_without_javascript_the_coordinator_checks_a_record_and_approves_a_change(nojs_page, world):
    from upstream.directory.models import ChangeProposal, DuplicateDecision, Service

    submit_sign_in(nojs_page, world["coordinator"].username)
    nojs_page.goto("/directory/workspace/verification/")
    row = nojs_page.locator("tr", has_text="Harbour Light drop-in service")
    row.locator("button", has_text="Mark checked").click()
    nojs_page.wait_for_load_state()
    assert "marked as checked today" in nojs_page.content()
    assert Service.objects.get(pk=world["twin"].pk).last_verified_at == timezone.localdate()

    nojs_page.goto(f"/directory/workspace/changes/{world['proposal'].pk}/")
    nojs_page.check("#decision-1")
    nojs_page.locator("main form button.govuk-button").click()
    nojs_page.wait_for_load_state()
    assert ChangeProposal.objects.get().status == "approved"
    assert Service.objects.get(pk=world["service"].pk).description == "Tea, advice and lunch."

    nojs_page.goto("/directory/workspace/duplicates/")
    nojs_page.check("#decision-1-1")
    nojs_page.locator("main form button", has_text="Save").first.click()
    nojs_page.wait_for_load_state()
    assert DuplicateDecision.objects.get().decision == "not_duplicate"
    assert "Marked as not duplicates." in nojs_page.content()


def test_a_phone_check_runs_and_lists_what_to_fix_under_the_strict_csp(strict_page, world):
    errors: list[str] = []
    strict_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    submit_sign_in(strict_page, world["coordinator"].username)
    strict_page.goto("/directory/workspace/checks/")
    strict_page.locator("button", has_text="Check phone numbers").click()
    strict_page.wait_for_load_state()
    assert "1 of 1 checked, 1 problems" in strict_page.content()
    assert "01632 96012" in strict_page.content()
    assert not [e for e in errors if "Content Security Policy" in e]
