"""The shell around every page: header, navigation, language, demo warning, footer and error pages."""

from __future__ import annotations

import types

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import include, path

from upstream.accounts.models import Organisation, User
from upstream.core.home import ROLE_INTRODUCTIONS
from upstream.core.roles import Role

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "secret-detail-1234"


@pytest.fixture
def demo_mode(settings):
    # Demo users skip the second factor only in demo mode; force_login alone does not pass it otherwise.
    settings.DEMO_MODE = True


def _signed_in_client(role: str) -> Client:
    organisation = Organisation.objects.create(name="Shell test force", kind="police_force")
    user = User.objects.create_user(
        username=f"shell-{role}", password="x" * 16, organisation=organisation, roles=[role], is_demo_user=True
    )
    client = Client()
    client.force_login(user)
    return client


def _failing_urlconf() -> types.ModuleType:
    def boom(request):
        raise RuntimeError(SECRET_DETAIL)

    def forbidden(request):
        raise PermissionDenied(SECRET_DETAIL)

    def suspicious(request):
        raise SuspiciousOperation(SECRET_DETAIL)

    module = types.ModuleType("shell_test_urls")
    module.urlpatterns = [
        path("", include("upstream.urls")),
        path("boom/", boom),
        path("forbidden/", forbidden),
        path("suspicious/", suspicious),
    ]
    for code in (400, 403, 404, 500):
        setattr(module, f"handler{code}", f"upstream.core.views.error_{code}")
    return module


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/boom/", 500, "Sorry, there is a problem with the service"),
        ("/forbidden/", 403, "You cannot see this page"),
        ("/suspicious/", 400, "Sorry, there is a problem with your request"),
        ("/no-such-page/", 404, "Page not found"),
    ],
)
def test_error_pages_say_what_to_do_and_leak_nothing(settings, url, status, heading):
    settings.ROOT_URLCONF = _failing_urlconf()
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == status
    assert heading in body
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError", "PermissionDenied", "SuspiciousOperation"):
        assert leak not in body


def test_a_failed_csrf_check_shows_the_form_expired_page_without_the_reason():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"username": "someone", "password": "something"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in body
    assert "CSRF" not in body


def test_demo_mode_is_announced_on_every_page_only_when_it_is_on(settings):
    settings.DEMO_MODE = True
    for url in ["/", "/accessibility/", "/privacy/", "/accounts/sign-in/", "/no-such-page/"]:
        assert "Demo mode:" in Client().get(url).content.decode(), url
    settings.DEMO_MODE = False
    assert "Demo mode:" not in Client().get("/").content.decode()


def test_the_shell_does_not_pass_itself_off_as_a_government_service():
    body = Client().get("/accessibility/").content.decode()
    assert "Crown copyright" not in body
    assert "govuk-footer__copyright-logo" not in body  # the royal coat of arms
    assert "govuk-footer__crown" not in body
    assert "govuk-logo" not in body  # the GOV.UK logotype
    assert "Open Government Licence" not in body
    assert "© Upstream contributors" in body
    assert "MIT licence" in body


def test_the_footer_links_to_the_accessibility_statement_privacy_notice_and_api_docs():
    body = Client().get("/").content.decode()
    assert 'href="/accessibility/"' in body
    assert 'href="/privacy/"' in body
    assert 'href="/api/docs"' in body
    assert '<footer class="govuk-template__footer"' in body  # the footer is a contentinfo landmark


def test_signed_out_pages_offer_the_language_switch_but_not_sign_out():
    body = Client().get("/").content.decode()
    assert 'hreflang="cy"' in body
    assert "Sign out" not in body


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_sees_what_it_does_here_on_the_home_page(demo_mode, role):
    body = _signed_in_client(role).get("/").content.decode()
    assert str(ROLE_INTRODUCTIONS[role]).replace("'", "&#39;") in body
    others = [text for r, text in ROLE_INTRODUCTIONS.items() if r != role]
    assert not any(str(text).replace("'", "&#39;") in body for text in others)
    assert "Sign out" in body


def test_every_role_has_an_introduction():
    assert set(ROLE_INTRODUCTIONS) == set(Role)


def test_the_home_page_introduction_is_in_welsh_for_welsh_readers(demo_mode):
    client = _signed_in_client(Role.OFFICER.value)
    client.cookies["upstream_language"] = "cy"
    body = client.get("/").content.decode()
    assert "Fel swyddog" in body
    assert "Allgofnodi" in body


def test_the_language_switch_sets_the_cookie_and_returns_to_the_page():
    response = Client().get("/language/cy/?next=/privacy/")
    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
    cookie = response.cookies["upstream_language"]
    assert cookie.value == "cy"
    assert cookie["httponly"]
    assert cookie["secure"]


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_language_switch_never_sends_the_user_off_site(next_url):
    response = Client().get("/language/cy/", {"next": next_url})
    assert response["Location"] == "/"


def test_an_unknown_language_is_ignored():
    response = Client().get("/language/xx/?next=/")
    assert "upstream_language" not in response.cookies


def test_the_api_documentation_uses_no_third_party_scripts():
    response = Client().get("/api/docs")
    body = response.content.decode()
    assert response.status_code == 200
    assert "cdn." not in body
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_dates_are_written_the_gov_uk_way_in_the_reader_s_language():
    import datetime as dt

    from django.utils import translation

    from upstream.core.jinja import format_date, format_datetime

    moment = dt.datetime(2026, 6, 4, 13, 5, tzinfo=dt.UTC)  # 14:05 in London (BST)
    assert format_date(dt.date(2026, 6, 4)) == "4 June 2026"
    assert format_datetime(moment) == "4 June 2026 at 14:05"
    with translation.override("cy"):
        assert format_date(dt.date(2026, 6, 4)) == "4 Mehefin 2026"
        assert format_datetime(moment) == "4 Mehefin 2026 am 14:05"
    assert format_date(None) == ""


def test_a_panel_or_section_pointing_at_a_missing_route_is_a_system_check_error():
    from upstream.core import home, navigation

    panel = home.Panel(title="Ghost", description="", url_name="core:no-such-route", action="core:ghost:view")
    section = navigation.Section(label="Ghost", url_name="core:no-such-route", action="core:ghost:view")
    home.register(panel)
    navigation.register(section)
    try:
        panel_errors = [e for e in home.check_routes_exist() if "Ghost" in e.msg]
        section_errors = [e for e in navigation.check_routes_exist() if "Ghost" in e.msg]
    finally:
        home._panels.remove(panel)
        navigation._sections.remove(section)
    assert [e.id for e in panel_errors] == ["upstream.E001"]
    assert [e.id for e in section_errors] == ["upstream.E002"]


def test_every_registered_panel_and_section_links_to_a_real_route():
    from upstream.core import home, navigation

    errors = home.check_routes_exist() + navigation.check_routes_exist()
    assert not errors, "\n".join(e.msg for e in errors)
