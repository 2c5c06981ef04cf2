"""Password then a code: the second factor, setting up an authenticator, and the demo-mode skip."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from accounts_helpers import PASSWORD, audit_tags, code_for, enrol, give_password, sign_in_fully, wrong_code_for
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts import mfa
from upstream.core.audit import AuditTag
from upstream.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/account/"


def test_a_visitor_is_sent_to_sign_in_from_a_private_page(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_password_alone_does_not_open_private_pages(client, officer):
    enrol(officer)
    response = give_password(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two-factor")

    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two-factor") + "?next=%2Faccounts%2Faccount%2F"


def test_the_right_code_opens_the_page_the_user_asked_for(client, officer):
    device = enrol(officer)
    give_password(client, "alice")
    client.get(ACCOUNT, follow=True)  # the code page remembers where the user was going

    response = client.post(reverse("accounts:two-factor"), {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert client.get(ACCOUNT).status_code == 200
    assert AuditTag.ACCOUNTS_USER_SECOND_FACTOR in audit_tags()


def test_a_wrong_code_is_refused_with_an_error_summary_and_recorded(client, officer):
    device = enrol(officer)
    give_password(client, "alice")

    response = client.post(reverse("accounts:two-factor"), {"code": wrong_code_for(device)})

    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "The code is not correct or has expired" in body
    assert client.get(ACCOUNT).status_code == 302
    assert AuditTag.ACCOUNTS_USER_SECOND_FACTOR_FAILED in audit_tags()


def test_after_wrong_codes_even_the_right_code_must_wait(client, officer):
    device = enrol(officer)
    give_password(client, "alice")
    client.post(reverse("accounts:two-factor"), {"code": wrong_code_for(device)})
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(device)})
    assert response.status_code == 400
    assert "too many wrong codes" in response.content.decode()
    assert client.get(ACCOUNT).status_code == 302


def test_a_code_that_is_not_six_digits_is_explained(client, officer):
    enrol(officer)
    give_password(client, "alice")
    response = client.post(reverse("accounts:two-factor"), {"code": "12ab"})
    assert response.status_code == 400
    assert "Enter the code as 6 digits" in response.content.decode()


def test_the_code_page_asks_for_the_six_digit_code(client, officer):
    enrol(officer)
    give_password(client, "alice")
    body = client.get(reverse("accounts:two-factor")).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in body
    assert 'autocomplete="one-time-code"' in body


def test_a_used_code_cannot_be_used_again(client, officer):
    device = sign_in_fully(client, officer)
    client.post(reverse("accounts:sign-out"))
    give_password(client, "alice")
    used = code_for(device)  # the code sign_in_fully just used (same 30-second step, drift 0)
    device.refresh_from_db()
    if device.drift != 0:
        pytest.skip("the clock crossed a step boundary during sign-in; the spent code is not known")
    response = client.post(reverse("accounts:two-factor"), {"code": used})
    assert response.status_code == 400


def test_a_user_without_an_authenticator_is_shown_how_to_set_one_up(client, officer):
    response = give_password(client, "alice")
    assert response["Location"] == reverse("accounts:two-factor-set-up")

    response = client.get(reverse("accounts:two-factor-set-up"))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg role="img" aria-labelledby="qr-code-title"' in body
    assert "QR code to scan with your authenticator app" in body
    assert "style=" not in body  # the strict CSP would block it
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    secret = body.split('id="secret"')[1].split(">")[1].split("<")[0]
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32


def test_the_set_up_page_shows_the_same_secret_until_it_is_confirmed(client, officer):
    give_password(client, "alice")
    client.get(reverse("accounts:two-factor-set-up"))
    client.get(reverse("accounts:two-factor-set-up"))
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_confirming_the_set_up_with_a_code_signs_in_and_is_recorded(client, officer):
    give_password(client, "alice")
    client.get(reverse("accounts:two-factor-set-up"))
    device = TOTPDevice.objects.get(user=officer)

    wrong = client.post(reverse("accounts:two-factor-set-up"), {"code": wrong_code_for(device)})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    # A wrong code makes the device wait (1 s, then 2, 4 …) before it checks another: let that pass.
    device.throttling_failure_timestamp -= timedelta(seconds=2)
    device.save()

    response = client.post(reverse("accounts:two-factor-set-up"), {"code": code_for(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ACCOUNT).status_code == 200
    assert AuditTag.ACCOUNTS_USER_MFA_ENROL in audit_tags()


def test_someone_with_only_the_password_cannot_add_another_authenticator(client, officer):
    enrol(officer)
    give_password(client, "alice")
    response = client.get(reverse("accounts:two-factor-set-up"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two-factor")
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_half_signed_in_users_see_public_pages_as_visitors(client, officer):
    enrol(officer)
    give_password(client, "alice")
    for path in ["/", "/accessibility/", "/privacy/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Sign out" not in response.content.decode(), path
    assert client.get("/api/health").json() == {"status": "ok"}


def test_an_unknown_page_still_needs_the_second_factor(client, officer):
    enrol(officer)
    give_password(client, "alice")
    response = client.get("/no-such-page/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))


def test_the_sign_in_page_refuses_to_send_users_off_site(client, officer):
    device = enrol(officer)
    client.post(
        reverse("accounts:sign-in"), {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(device)})
    assert response["Location"] == "/"


def test_signing_out_ends_the_session_and_is_recorded(client, officer):
    sign_in_fully(client, officer)
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert client.get(ACCOUNT).status_code == 302
    assert AuditTag.ACCOUNTS_USER_SIGN_OUT in audit_tags()


def test_sign_in_and_failures_are_audited_without_the_password(client, officer):
    give_password(client, "alice", password="not-the-password-123")
    give_password(client, "alice")

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.tag for e in events] == [AuditTag.ACCOUNTS_USER_SIGN_IN_FAILED, AuditTag.ACCOUNTS_USER_SIGN_IN]
    assert events[0].detail["username"] == "alice"
    assert events[0].object_id == str(officer.pk)
    assert events[1].actor_id == officer.pk
    everything = json.dumps([e.detail for e in events])
    assert "not-the-password-123" not in everything
    assert PASSWORD not in everything


class TestDemoMode:
    """Demo logins skip the second factor only while demo mode is on; nobody else ever does."""

    def test_a_demo_user_in_demo_mode_goes_straight_in(self, client, make_user, settings):
        settings.DEMO_MODE = True
        make_user("demo-officer", is_demo_user=True)
        response = give_password(client, "demo-officer")
        assert response.status_code == 302
        assert response["Location"] == "/"
        page = client.get(ACCOUNT)
        assert page.status_code == 200
        body = page.content.decode()
        assert "Demo mode" in body  # every page says so
        assert "Skipped" in body
        assert AuditEvent.objects.get(tag=AuditTag.ACCOUNTS_USER_SIGN_IN).detail["second_factor"] == (
            "skipped in demo mode"
        )

    def test_a_demo_user_outside_demo_mode_needs_the_second_factor(self, client, make_user, settings):
        settings.DEMO_MODE = False
        make_user("demo-officer", is_demo_user=True)
        response = give_password(client, "demo-officer")
        assert response["Location"] == reverse("accounts:two-factor-set-up")
        assert client.get(ACCOUNT).status_code == 302

    @pytest.mark.usefixtures("officer")
    def test_an_ordinary_user_in_demo_mode_needs_the_second_factor(self, client, settings):
        settings.DEMO_MODE = True
        response = give_password(client, "alice")
        assert response["Location"] == reverse("accounts:two-factor-set-up")
        assert client.get(ACCOUNT).status_code == 302

    def test_turning_demo_mode_off_stops_a_demo_session_at_once(self, client, make_user, settings):
        settings.DEMO_MODE = True
        make_user("demo-officer", is_demo_user=True)
        give_password(client, "demo-officer")
        assert client.get(ACCOUNT).status_code == 200
        settings.DEMO_MODE = False
        assert client.get(ACCOUNT).status_code == 302


def test_between_password_and_code_the_user_is_shown_no_navigation(client, officer):
    enrol(officer)
    give_password(client, "alice")
    body = client.get(reverse("accounts:two-factor")).content.decode()
    assert 'href="/accounts/account/"' not in body  # the service navigation is for signed-in users only
    assert "Cancel and sign out" in body


def test_cancelling_between_password_and_code_signs_out_and_is_recorded(client, officer):
    enrol(officer)
    give_password(client, "alice")
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(tag=AuditTag.ACCOUNTS_USER_SIGN_OUT)
    assert event.actor_id == officer.pk
    assert client.get(reverse("accounts:two-factor"))["Location"] == reverse("accounts:sign-in")


def test_the_typed_key_and_the_qr_code_carry_the_same_secret(client, officer):
    give_password(client, "alice")
    body = client.get(reverse("accounts:two-factor-set-up")).content.decode()
    device = TOTPDevice.objects.get(user=officer)
    typed = body.split('id="secret"')[1].split(">")[1].split("<")[0].replace(" ", "")
    assert f"secret={typed}" in device.config_url
    assert "issuer=Upstream" in device.config_url
    # The QR code on the page is the one made from that address.
    assert str(mfa.qr_code_svg(device)) in body
    # An authenticator app given only the typed key produces a code the page accepts.
    key = base64.b32decode(typed + "=" * (-len(typed) % 8))
    code = f"{totp(key, step=30, t0=0, digits=6):06d}"
    assert client.post(reverse("accounts:two-factor-set-up"), {"code": code}).status_code == 302
