"""Playwright driving Debian's chromium against pytest-django's live server, with axe-core.

Fixtures for every capability's browser tests:
- ``browser_page``: a page with JavaScript on (CSP bypassed so axe-core can be injected);
- ``nojs_page``: a page with JavaScript off, as some users and many assistive set-ups browse;
- ``strict_page``: a page with JavaScript on and the CSP enforced, to catch CSP violations;
- ``sign_in(page, role)``: creates a demo user holding ``role`` in an organisation and signs them in;
- ``assert_no_axe_violations(page)``: runs axe-core's WCAG 2.2 AA rules and fails with each violation;
- ``make_user(role, demo=True)`` and ``submit_sign_in(page, username, password)`` for tests that need more
  control (a real second factor, a failed sign-in). Demo users share the password ``PASSWORD``.
Every test under tests/browser is marked ``browser``; ``make test-browser`` runs them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("UPSTREAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "src" / "upstream" / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "a long demo passphrase for tests"
_usernames = count(1)


def pytest_collection_modifyitems(items):
    """Marks every test in tests/browser as a browser test, so `-m "not browser"` skips them all."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    """Returns a headless chromium shared by the whole session."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
    # running loop unless told the caller knows what it is doing. The tests only use the ORM between steps,
    # and the flag is set only while the browser runs, so other tests keep Django's async-safety check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_mode(settings):
    """Turns demo mode on, so demo users sign in without a second factor (the live server shares settings)."""
    settings.DEMO_MODE = True
    return settings


def _page(chromium, live_server, **options) -> Iterator:
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def browser_page(chromium, live_server, demo_mode):
    """Returns a page with JavaScript on; the CSP is bypassed so axe-core can be injected."""
    yield from _page(chromium, live_server, bypass_csp=True)


@pytest.fixture
def strict_page(chromium, live_server, demo_mode):
    """Returns a page with JavaScript on and the Content-Security-Policy enforced."""
    yield from _page(chromium, live_server)


@pytest.fixture
def nojs_page(chromium, live_server, demo_mode):
    """Returns a page with JavaScript off."""
    yield from _page(chromium, live_server, java_script_enabled=False)


def make_user(role: str, *, demo: bool = True, organisation_kind: str = "police_force"):
    """Returns a new user holding one role in an organisation of the given kind."""
    from upstream.accounts.models import Organisation, User

    organisation, _ = Organisation.objects.get_or_create(
        name=f"Browser test {organisation_kind.replace('_', ' ')}", defaults={"kind": organisation_kind}
    )
    username = f"{role}-{next(_usernames)}"
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name="Test",
        last_name=role.replace("_", " ").title(),
        organisation=organisation,
        roles=[role],
        is_demo_user=demo,
    )


def submit_sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Fills in and submits the sign-in form."""
    page.goto("/accounts/sign-in/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()


@pytest.fixture
def sign_in() -> Callable:
    """Returns a function that creates a demo user with a role and signs them in on a page."""

    def _sign_in(page, role: str, **user_options):
        user = make_user(role, **user_options)
        submit_sign_in(page, user.username)
        assert "/accounts/sign-in/" not in page.url, f"signing in as {role} failed: still on {page.url}"
        return user

    return _sign_in


def axe_violations(page) -> list[dict]:
    """Returns axe-core's WCAG 2.2 AA violations on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make assets` to copy axe-core from node_modules.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))}))",
        AXE_TAGS,
    )


def assert_no_axe_violations(page) -> None:
    """Fails with each axe-core violation (rule, help text and the elements) found on the page."""
    violations = axe_violations(page)
    assert not violations, f"axe-core found WCAG 2.2 AA violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {json.dumps(v['targets'])}" for v in violations
    )


@pytest.fixture(name="assert_no_axe_violations")
def assert_no_axe_violations_fixture() -> Callable:
    """Returns the axe-core check (see assert_no_axe_violations)."""
    return assert_no_axe_violations


@pytest.fixture(name="make_user")
def make_user_fixture(db) -> Callable:
    """Returns the user factory (see make_user)."""
    return make_user


@pytest.fixture(name="submit_sign_in")
def submit_sign_in_fixture() -> Callable:
    """Returns the sign-in form filler (see submit_sign_in)."""
    return submit_sign_in
