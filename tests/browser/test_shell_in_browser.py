"""The shell in a real browser: every role signs in, the shell pages pass axe-core, and work without JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from upstream.core.roles import Role

pytestmark = pytest.mark.browser

SHELL_PAGES = ["/", "/accessibility/", "/privacy/", "/no-such-page/"]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_signs_in_and_the_shell_pages_have_no_axe_violations(
    browser_page, sign_in, assert_no_axe_violations, role
):
    page = browser_page
    sign_in(page, role)
    # The home page speaks to the role before anything else.
    assert page.locator(".upstream-role-introduction").count() == 1
    for path in SHELL_PAGES:
        response = page.goto(path)
        assert response.status == (404 if path == "/no-such-page/" else 200), path
        assert page.locator(".upstream-demo-warning").is_visible(), f"no demo-mode warning on {path}"
        assert page.get_by_role("button", name="Sign out").is_visible()
        assert_no_axe_violations(page)


def test_signed_out_pages_have_no_axe_violations(browser_page, assert_no_axe_violations):
    page = browser_page
    for path in ["/", "/accounts/sign-in/", "/accessibility/", "/privacy/", "/no-such-page/"]:
        page.goto(path)
        assert_no_axe_violations(page)


def test_a_failed_sign_in_shows_an_accessible_error(browser_page, submit_sign_in, assert_no_axe_violations):
    page = browser_page
    submit_sign_in(page, "nobody-here", "not the password")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page)


def test_the_skip_link_moves_focus_to_the_main_content(browser_page):
    page = browser_page
    page.goto("/accessibility/")
    page.keyboard.press("Tab")
    skip = page.locator(".govuk-skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    # The jump is a same-page navigation that lands a moment after the key press: wait for it, do not race it.
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.locator("#main-content")).to_be_focused()


def test_the_language_switch_goes_to_welsh_and_back(browser_page, sign_in, assert_no_axe_violations):
    page = browser_page
    sign_in(page, Role.OFFICER.value)
    page.goto("/privacy/")
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.url.endswith("/privacy/")  # the switch returns to the same page
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == "Hysbysiad preifatrwydd"
    assert page.get_by_role("button", name="Allgofnodi").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy notice"


def test_signing_out_ends_the_session(browser_page, sign_in):
    page = browser_page
    sign_in(page, Role.ANALYST.value)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in/" in page.url
    page.goto("/")
    assert page.get_by_role("button", name="Sign out").count() == 0


def test_without_javascript_sign_in_navigation_and_language_work(nojs_page, make_user, submit_sign_in):
    page = nojs_page
    user = make_user(Role.SUPERVISOR.value)
    submit_sign_in(page, user.username)
    assert "/accounts/sign-in/" not in page.url
    # The service navigation and its tools are plain links and forms, visible with no script at all.
    assert page.get_by_role("navigation", name="Menu").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    for path in SHELL_PAGES:
        response = page.goto(path)
        assert response.status == (404 if path == "/no-such-page/" else 200), path
        assert page.get_by_role("navigation", name="Menu").is_visible(), path
        assert page.locator("footer").get_by_role("link", name="Accessibility statement").is_visible(), path
    page.goto("/accessibility/")
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == "Datganiad hygyrchedd"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility statement"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in/" in page.url


def test_shell_pages_break_no_content_security_policy_rule(strict_page, sign_in):
    page = strict_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, Role.ADMINISTRATOR.value)
    for path in ["/", "/accessibility/", "/api/docs"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert not problems, "\n".join(problems)


def test_the_api_documentation_renders_under_the_strict_csp(strict_page):
    page = strict_page
    page.goto("/api/docs")
    # Swagger UI draws the operations with its bundled script; under a broken CSP the page stays blank.
    page.get_by_text("/api/health").first.wait_for()
    assert page.locator("#swagger-ui .opblock").count() >= 1


def test_a_member_of_staff_signs_in_with_a_real_authenticator_code(strict_page, live_server, make_user, submit_sign_in):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page = strict_page
    user = make_user(Role.OFFICER.value, demo=False)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    submit_sign_in(page, user.username)
    assert "/accounts/two-factor/" in page.url
    page.fill("#code", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/"
    assert page.locator(".upstream-role-introduction").is_visible()


def test_the_gds_transport_font_is_never_downloaded(strict_page):
    # GDS Transport is licensed to GOV.UK services only; Upstream's stylesheet points the family at Arial.
    page = strict_page
    fonts: list[str] = []
    page.on("request", lambda request: fonts.append(request.url) if request.resource_type == "font" else None)
    page.goto("/accessibility/")
    page.wait_for_load_state("networkidle")
    family = page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily")
    assert "GDS Transport" in family  # GOV.UK Frontend's rule still applies…
    assert not [url for url in fonts if "govuk-frontend/assets/fonts" in url]  # …but no font file is fetched


def test_on_a_phone_the_menu_button_opens_the_navigation(browser_page, sign_in, assert_no_axe_violations):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, Role.OFFICER.value)
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.count() == 0 or not toggle.is_visible():
        # One section or none: GOV.UK Frontend shows the links without a menu button.
        assert page.get_by_role("navigation", name="Menu").is_visible()
    else:
        sign_out = page.get_by_role("button", name="Sign out")
        assert not sign_out.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert sign_out.is_visible()
    assert_no_axe_violations(page)
