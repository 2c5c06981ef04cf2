"""Response headers, cookie flags and CSRF on the sign-in form."""

from __future__ import annotations

import re

import pytest
from accounts_helpers import PASSWORD, sign_in_fully
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}
    assert directives["default-src"] == ["'self'"]
    assert any(re.fullmatch(r"'nonce-[A-Za-z0-9+/=_-]{16,}'", s) for s in directives["script-src"])
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_a_public_page_carries_the_security_headers(client):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_page_uses_the_nonce_the_policy_names(client):
    response = client.get(reverse("accounts:sign-in"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    body = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert all(f'nonce="{nonce}"' in tag for tag in inline_scripts)
    assert "style=" not in body


def test_a_signed_in_page_carries_the_headers_and_is_never_stored(client, officer):
    sign_in_fully(client, officer)
    response = client.get("/accounts/account/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["Cache-Control"] == "no-store"


def test_the_csrf_cookie_is_secure_httponly_and_lax(client):
    response = client.get(reverse("accounts:sign-in"))
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_cookie_is_secure_httponly_and_lax(client, officer):
    response = client.post(reverse("accounts:sign-in"), {"username": "alice", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_sign_in_without_a_csrf_token_is_refused(officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign-in"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_sign_in_with_the_form_csrf_token_is_accepted(officer):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:sign-in")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("accounts:sign-in"), {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_sign_out_needs_a_post_with_a_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert client.post(reverse("accounts:sign-out")).status_code == 403


def test_a_deployment_check_warns_when_demo_mode_is_on(settings):
    from upstream.accounts.checks import demo_mode_is_off

    settings.DEMO_MODE = False
    assert demo_mode_is_off() == []
    settings.DEMO_MODE = True
    assert [m.id for m in demo_mode_is_off()] == ["accounts.W001"]
