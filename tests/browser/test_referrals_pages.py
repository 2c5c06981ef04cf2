"""Browser tests (Playwright, Debian chromium, axe-core): the referral form, the inbox and the statistics page
have no WCAG 2.2 AA violations, and a referral is made and moved with JavaScript off.

It lives in tests/browser/ so it shares that folder's one session browser; the plain helper functions of
tests/browser/conftest.py are loaded by path (tests/ is not a package).
"""

from __future__ import annotations

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
    from upstream.directory.models import Service
    from upstream.people import services as people_services
    from upstream.referrals import services
    from upstream.referrals.models import ReceivingService

    officer = make_user("officer")
    caseworker = make_user("partner_caseworker", organisation_kind="charity")
    supervisor = make_user("supervisor")
    service = Service.objects.create(name="Harbour Light family support", need_categories=["parenting"])
    ReceivingService.objects.create(service=service, organisation=caseworker.organisation)
    person = people_services.create_person(
        actor=officer,
        legal_regime="law_enforcement",
        purpose="referral",
        retention_class="casework",
        surname="Henchard",
    )
    referral = services.create_referral(
        actor=officer,
        person=person,
        service=service,
        reason="Family under pressure",
        consent_basis="consent",
        consent_given_by="person",
        consent_given_at=timezone.now(),
        consent_scope="family support",
    )
    referral = services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
    return {
        "officer": officer,
        "caseworker": caseworker,
        "supervisor": supervisor,
        "service": service,
        "referral": referral,
    }


def test_the_referral_form_has_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["officer"].username)
    browser_page.goto(f"/referrals/new/?service={world['service'].pk}")
    assert_no_axe_violations(browser_page)


def test_the_inbox_and_a_referral_have_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["caseworker"].username)
    browser_page.goto("/referrals/inbox/")
    assert world["referral"].reference in browser_page.content()
    assert_no_axe_violations(browser_page)
    browser_page.goto(f"/referrals/{world['referral'].pk}/")
    assert_no_axe_violations(browser_page)


def test_the_statistics_page_has_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["supervisor"].username)
    browser_page.goto("/referrals/statistics/")
    assert_no_axe_violations(browser_page)


def test_without_javascript_an_officer_makes_a_referral_and_the_receiver_acknowledges_it(nojs_page, world):
    from upstream.referrals.models import Referral

    submit_sign_in(nojs_page, world["officer"].username)
    nojs_page.goto(f"/referrals/new/?service={world['service'].pk}")
    nojs_page.fill("#surname", "Farfrae")
    nojs_page.fill("#reason", "Needs help with debts")
    nojs_page.check("#consent_basis-2")  # another lawful basis
    nojs_page.check("#lawful_basis-1")
    nojs_page.fill("#lawful_basis_reason", "Safeguarding a child in the household")
    nojs_page.check("#send_now")
    nojs_page.locator("main form button.govuk-button").click()
    nojs_page.wait_for_load_state()
    made = Referral.objects.order_by("-pk").first()
    assert made.person.surname == "Farfrae"
    assert made.status == "sent"
    nojs_page.context.clear_cookies()
    submit_sign_in(nojs_page, world["caseworker"].username)
    nojs_page.goto(f"/referrals/{made.pk}/")
    nojs_page.check("input[name=to_status][value=received]")
    nojs_page.locator("form[action$='/move/'] button.govuk-button").click()
    nojs_page.wait_for_load_state()
    made.refresh_from_db()
    assert made.status == "received"
