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


@pytest.fixture
def programme(world):
    import datetime as dt

    from upstream.referrals.models import Programme

    return Programme.objects.create(
        name="Parenting teenagers course",
        organisation=world["caseworker"].organisation,
        places=12,
        starts_on=dt.date(2025, 1, 1),
        need_categories=["parenting"],
    )


def test_refer_from_a_person_and_the_eligibility_questions_have_no_accessibility_violations(
    browser_page, world, programme
):
    world["service"].client_groups = ["family", "victim"]
    world["service"].save()
    person = world["referral"].person
    submit_sign_in(browser_page, world["officer"].username)
    browser_page.goto(f"/people/{person.pk}/")
    assert_no_axe_violations(browser_page)
    browser_page.get_by_role("link", name="Refer this person to a service or programme").click()
    browser_page.wait_for_load_state()
    assert "/referrals/refer/" in browser_page.url
    assert_no_axe_violations(browser_page)
    browser_page.select_option("#need", "parenting")
    browser_page.get_by_role("button", name="Search").click()
    browser_page.wait_for_load_state()
    assert "Refer to Parenting teenagers course" in browser_page.content()
    assert_no_axe_violations(browser_page)
    browser_page.goto(f"/referrals/new/?service={world['service'].pk}&person={person.pk}")
    assert "Which of these is the person?" in browser_page.content()
    assert_no_axe_violations(browser_page)


def test_without_javascript_an_officer_refers_a_person_from_their_page_to_a_programme(nojs_page, world, programme):
    from upstream.referrals.models import Referral

    person = world["referral"].person
    submit_sign_in(nojs_page, world["officer"].username)
    nojs_page.goto(f"/people/{person.pk}/")
    nojs_page.get_by_role("link", name="Refer this person to a service or programme").click()
    nojs_page.wait_for_load_state()
    nojs_page.fill("#q", "teenagers")
    nojs_page.get_by_role("button", name="Search").click()
    nojs_page.wait_for_load_state()
    nojs_page.get_by_role("link", name="Refer to Parenting teenagers course").click()
    nojs_page.wait_for_load_state()
    assert "You are referring" in nojs_page.content()
    nojs_page.fill("#reason", "Struggling with a teenager")
    nojs_page.check("#consent_basis-2")  # another lawful basis
    nojs_page.check("#lawful_basis-1")
    nojs_page.fill("#lawful_basis_reason", "Safeguarding a child in the household")
    nojs_page.check("#send_now")
    nojs_page.locator("main form button.govuk-button").click()
    nojs_page.wait_for_load_state()
    made = Referral.objects.order_by("-pk").first()
    assert (made.programme_id, made.person_id, made.status) == (programme.pk, person.pk, "sent")


@pytest.fixture
def young_women(world):
    from upstream.directory.models import Phone, Service
    from upstream.referrals.models import ReceivingService

    service = Service.objects.create(
        name="Young Women's Project",
        need_categories=["parenting"],
        eligibility_sex="female",
        minimum_age=16,
        maximum_age=25,
        client_groups=["young_person"],
    )
    Phone.objects.create(service=service, number="01632 960123")
    ReceivingService.objects.create(
        service=service, organisation=world["caseworker"].organisation, accepts_self_referrals=True
    )
    ReceivingService.objects.filter(service=world["service"]).update(accepts_self_referrals=True)
    return service


def _ask_for_help_as_someone_too_old(page, service):
    page.goto(f"/referrals/ask-for-help/?service={service.pk}")
    page.fill("#contact_name", "Arabella Donn")
    page.fill("#contact_phone", "07700 900123")
    page.fill("#age", "40")
    page.check("#sex-1")  # female
    page.check("#client_groups-2")  # none of these
    page.fill("#reason", "I need someone to talk to")
    page.check("#agree")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()


def test_the_self_referral_form_with_its_eligibility_questions_and_the_not_eligible_page_pass_axe(
    browser_page, young_women
):
    from django.core.cache import cache

    cache.clear()
    browser_page.goto(f"/referrals/ask-for-help/?service={young_women.pk}")
    assert "Who it is for" in browser_page.content()
    assert_no_axe_violations(browser_page)
    _ask_for_help_as_someone_too_old(browser_page, young_women)
    assert "may not be the right place for you" in browser_page.content()
    assert_no_axe_violations(browser_page)


def test_without_javascript_a_self_referral_outside_the_rules_is_told_where_else_to_turn(nojs_page, young_women):
    from django.core.cache import cache

    from upstream.referrals.models import Referral

    cache.clear()
    before = Referral.objects.count()
    _ask_for_help_as_someone_too_old(nojs_page, young_women)
    content = nojs_page.content()
    assert "may not be the right place for you" in content
    assert "The service is for people aged 25 or under." in content
    assert "01632 960123" in content
    assert "Arabella" not in content
    assert Referral.objects.count() == before
    nojs_page.get_by_role("link", name="Ask Harbour Light family support for help").click()
    nojs_page.wait_for_load_state()
    assert "Ask Harbour Light family support for help" in nojs_page.content()


@pytest.fixture
def many_services(world):
    from upstream.directory.models import Service
    from upstream.directory.services import refresh_services_index
    from upstream.referrals.models import ReceivingService

    many = [Service(name=f"Parenting circle {i:02d}", need_categories=["parenting"]) for i in range(25)]
    Service.objects.bulk_create(many)
    refresh_services_index(service_ids=[s.pk for s in many])
    ReceivingService.objects.bulk_create(
        [ReceivingService(service=s, organisation=world["caseworker"].organisation) for s in many]
    )
    return many


def test_the_refer_picker_with_pages_passes_axe(browser_page, world, many_services):
    submit_sign_in(browser_page, world["officer"].username)
    browser_page.goto("/referrals/refer/?need=parenting")
    assert "25 services take referrals through Upstream and match. Page 1 of 2." in browser_page.content()
    assert_no_axe_violations(browser_page)


def test_without_javascript_the_refer_picker_pages_through_services(nojs_page, world, many_services):
    submit_sign_in(nojs_page, world["officer"].username)
    nojs_page.goto("/referrals/refer/?need=parenting")
    nojs_page.get_by_role("navigation", name="Pages of services").get_by_role("link", name="Next").click()
    nojs_page.wait_for_load_state()
    assert "Page 2 of 2." in nojs_page.content()
    assert nojs_page.locator("#service-results li").count() == 5


def test_the_retention_review_page_and_a_due_referral_pass_axe(browser_page, world):
    import datetime as dt

    from upstream.referrals import services
    from upstream.referrals.models import Referral

    referral = world["referral"]
    withdrawn = services.withdraw_referral(actor=world["officer"], referral=referral, expected_version=referral.version)
    Referral.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now() - dt.timedelta(days=7 * 365))
    submit_sign_in(browser_page, world["supervisor"].username)
    browser_page.goto("/referrals/retention/")
    assert withdrawn.reference in browser_page.content()
    assert_no_axe_violations(browser_page)
    browser_page.get_by_role("link", name=withdrawn.reference).click()
    browser_page.wait_for_load_state()
    assert "Due for its retention review" in browser_page.content()
    assert_no_axe_violations(browser_page)
