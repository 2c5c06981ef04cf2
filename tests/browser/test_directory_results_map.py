"""Browser tests (Playwright, Debian chromium, axe-core): the directory's search results with their map.

With JavaScript on and the strict CSP enforced, the map draws one numbered marker per listed service beside
the list; with JavaScript off the list is the page and the map stays hidden. The results, the print list
and its send form have no WCAG 2.2 AA violations either way.
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

RESULTS = "/directory/?q=advice&postcode=CF10+1AA&radius=25"


@pytest.fixture
def directory(transactional_db):
    from upstream.directory.generate import generate_directory
    from upstream.places.postcodes import Postcode

    Postcode.objects.create(postcode="CF10 1AA", latitude=51.4816, longitude=-3.1791, source="demo")
    return generate_directory(30, seed=5, today=dt.date(2026, 1, 1))


def test_results_show_a_numbered_map_beside_the_list_under_the_strict_csp(strict_page, live_server, directory):
    errors: list[str] = []
    strict_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    strict_page.goto(live_server.url + RESULTS)
    strict_page.wait_for_selector("#results-map[data-map-ready='true']", timeout=15000)
    listed = strict_page.locator("ol.directory-results > li").count()
    assert listed > 0
    assert strict_page.locator(".directory-results-map__pin").count() == listed
    assert strict_page.locator("#results-map-section").is_visible()
    assert not [e for e in errors if "Content Security Policy" in e]


def test_results_and_the_print_list_have_no_accessibility_violations(browser_page, live_server, directory):
    browser_page.goto(live_server.url + RESULTS)
    browser_page.wait_for_selector("#results-map[data-map-ready='true']", timeout=15000)
    assert_no_axe_violations(browser_page)
    browser_page.get_by_role("link", name="Print or send this list").click()
    browser_page.wait_for_selector("h1")
    assert "Send this list by email" in browser_page.content()
    assert_no_axe_violations(browser_page)


def test_without_javascript_the_list_is_the_page_and_it_can_be_sent(nojs_page, live_server, directory):
    nojs_page.goto(live_server.url + RESULTS)
    assert nojs_page.locator("ol.directory-results > li").count() > 0
    assert not nojs_page.locator("#results-map-section").is_visible()
    nojs_page.get_by_role("link", name="Print or send this list").click()
    nojs_page.fill("#email", "someone@example.com")
    nojs_page.get_by_role("button", name="Send the list").click()
    assert "List sent" in nojs_page.content()


def test_the_results_as_rendered_without_javascript_have_no_accessibility_violations(
    browser_page, live_server, directory
):
    # axe-core itself needs JavaScript, so the page's own scripts are blocked instead: Leaflet and the map
    # script never run, as with JavaScript off, and axe is injected into that page.
    browser_page.route("**/*.js", lambda route: route.abort())
    browser_page.goto(live_server.url + RESULTS)
    assert browser_page.evaluate("() => typeof window.L === 'undefined'")
    assert not browser_page.locator("#results-map-section").is_visible()
    assert_no_axe_violations(browser_page)
