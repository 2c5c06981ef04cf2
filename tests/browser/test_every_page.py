"""Every page a role can open without parameters passes axe-core: new pages are checked as they arrive."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from upstream.core.roles import Role

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location(
    "guardrail_routes", Path(__file__).resolve().parents[1] / "guardrails" / "routes.py"
)
_routes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_routes)

# Not pages: the API (JSON; its docs page is Swagger's own markup) and sign-out (POST only).
SKIPPED_PREFIXES = ("/api/", "/accounts/sign-out/", "/language/")


def _pages() -> list[str]:
    return [
        route
        for route in (line.split(" ", 1)[1] for line in _routes.named_routes())
        if "<" not in route
        and not route.startswith(SKIPPED_PREFIXES)
        and not route.endswith((".geojson", ".csv", ".json"))  # files, not pages
        and route not in SHELL
    ]


# The shell pages are checked in test_shell.py; this crawl covers what each capability adds.
SHELL = {"/", "/accessibility/", "/privacy/"}


@pytest.mark.parametrize("role", [None, *(r.value for r in Role)])
def test_every_page_a_role_can_open_has_no_axe_violations(browser_page, sign_in, assert_no_axe_violations, role):
    page = browser_page
    if role:
        sign_in(page, role)
    opened = []
    for path in _pages():
        # Actions that take only POST answer 405 with no body, which Chromium refuses to load: not pages.
        if page.request.get(path, max_redirects=0).status == 405:
            continue
        response = page.goto(path)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        opened.append(path)
        assert_no_axe_violations(page)
    assert opened, "no page opened: is the route list empty?"
