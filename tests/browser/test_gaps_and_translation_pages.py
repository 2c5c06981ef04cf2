"""Browser tests (Playwright, Debian chromium, axe-core): the gap analysis page and the translation pages have no
WCAG 2.2 AA violations with JavaScript on; with it off, a commissioner filters the gap analysis by area and need,
and a co-ordinator saves a Welsh translation; with the CSP enforced, the charts raise no CSP violation.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location("browser_conftest", Path(__file__).resolve().parent / "conftest.py")
_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_browser)
assert_no_axe_violations = _browser.assert_no_axe_violations
make_user = _browser.make_user
submit_sign_in = _browser.submit_sign_in


@pytest.fixture
def world(transactional_db):
    from upstream.directory.models import Location, Schedule, SearchLog, Service, ServiceAtLocation
    from upstream.places.models import Area, AreaLevel

    force = Area.objects.create(level=AreaLevel.FORCE, code="force:browser", name="Browser force")
    north = Area.objects.create(level=AreaLevel.LOCAL_AUTHORITY, code="Z06000091", name="Northtown", parent=force)
    Area.objects.create(level=AreaLevel.LOCAL_AUTHORITY, code="Z06000092", name="Southtown", parent=force)
    ward = Area.objects.create(level=AreaLevel.WARD, code="Z05000091", name="Harbour Ward", parent=north)
    lsoa = Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="Z01000091", name="Northtown 001A", parent=ward)
    service = Service.objects.create(
        name="Northtown Food bank",
        description="Emergency food parcels.",
        need_categories=["food"],
        client_groups=["family"],
    )
    location = Location.objects.create(name="Church hall", area=lsoa, latitude=51.0, longitude=-2.0)
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(service=service, freq="WEEKLY", byday="SA", opens_at=dt.time(10), closes_at=dt.time(20))
    for _ in range(3):
        SearchLog.objects.create(text="night shelter", filters={"area_code": "Z05000091"}, result_count=0)
    return {
        "commissioner": make_user("directory_coordinator", organisation_kind="council"),
        "service": service,
    }


def test_the_gap_analysis_has_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["commissioner"].username)
    browser_page.goto("/gaps/")
    assert browser_page.locator("svg#chart-services").count() == 1
    assert browser_page.locator("#table-services").count() == 1
    assert_no_axe_violations(browser_page)
    browser_page.goto("/gaps/?area=Z06000091&need=food")
    assert_no_axe_violations(browser_page)


def test_without_javascript_the_gap_analysis_filters_by_area_and_need(nojs_page, world):
    submit_sign_in(nojs_page, world["commissioner"].username)
    nojs_page.goto("/gaps/")
    nojs_page.select_option("#area", "Z06000091")
    nojs_page.select_option("#need", "housing")
    nojs_page.locator("main form button.govuk-button").click()
    nojs_page.wait_for_load_state()
    assert "area=Z06000091" in nojs_page.url
    assert "need=housing" in nojs_page.url
    # The authority is compared ward by ward; housing has no service there, and three searches found nothing.
    assert nojs_page.locator("#table-area th[scope=col]", has_text="Harbour Ward").count() == 1
    assert "night shelter" in nojs_page.locator("#table-zero-terms").inner_text()


def _axe_as_without_javascript(page, url):
    # axe-core itself needs JavaScript, so the page's own scripts are blocked instead: the page renders as it
    # does with JavaScript off (GOV.UK Frontend and htmx never start), and axe is injected into that.
    page.route("**/*.js", lambda route: route.abort())
    page.goto(url)
    assert page.evaluate("() => typeof window.htmx === 'undefined'")
    assert_no_axe_violations(page)


def test_the_gap_analysis_as_rendered_without_javascript_has_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["commissioner"].username)
    _axe_as_without_javascript(browser_page, "/gaps/?area=Z06000091")


def test_the_charts_raise_no_csp_violation(strict_page, world):
    messages = []
    strict_page.on("console", lambda message: messages.append(message.text))
    submit_sign_in(strict_page, world["commissioner"].username)
    strict_page.goto("/gaps/")
    strict_page.wait_for_load_state("networkidle")
    assert not [m for m in messages if "Content Security Policy" in m]


def test_the_translation_pages_have_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["commissioner"].username)
    browser_page.goto("/translations/?language=cy")
    assert_no_axe_violations(browser_page)
    browser_page.goto(f"/translations/directory.service/{world['service'].pk}/cy/")
    assert_no_axe_violations(browser_page)
    browser_page.goto("/translations/languages/")
    assert_no_axe_violations(browser_page)


def test_without_javascript_a_coordinator_saves_a_welsh_translation(nojs_page, world):
    from upstream.translation.models import Translation

    submit_sign_in(nojs_page, world["commissioner"].username)
    nojs_page.goto(f"/translations/directory.service/{world['service'].pk}/cy/")
    nojs_page.fill("#text-name", "Banc bwyd Northtown")
    nojs_page.locator("#field-name button[value=save]").click()
    nojs_page.wait_for_load_state()
    saved = Translation.objects.get(field="name")
    assert (saved.text, saved.status, saved.language) == ("Banc bwyd Northtown", "draft", "cy")
    assert "Translation saved as a draft" in nojs_page.content()


def test_the_translation_page_as_rendered_without_javascript_has_no_accessibility_violations(browser_page, world):
    submit_sign_in(browser_page, world["commissioner"].username)
    _axe_as_without_javascript(browser_page, f"/translations/directory.service/{world['service'].pk}/cy/")
