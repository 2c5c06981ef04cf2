"""The "Your account" page and changing a password under the NCSC-style rules."""

from __future__ import annotations

import pytest
from accounts_helpers import PASSWORD, audit_tags, enrol, sign_in_fully
from django.urls import reverse

from upstream.accounts.models import Team, User
from upstream.core.audit import AuditTag
from upstream.core.roles import Role

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/account/password/"
NEW_PASSWORD = "kestrel-marmalade-tuesday-9"


def test_the_account_page_shows_organisation_roles_teams_and_two_factor(client, make_user, organisation):
    user = make_user("alice", roles=[Role.OFFICER, Role.SUPERVISOR], first_name="Alice", last_name="Ames")
    Team.objects.create(organisation=organisation, name="Northgate neighbourhood team").members.add(user)
    Team.objects.create(organisation=organisation, name="Another team")
    sign_in_fully(client, user)

    body = client.get(reverse("accounts:account")).content.decode()

    assert "Your account" in body
    assert "Alice Ames" in body
    assert "Wessex Police" in body
    assert "Officer" in body
    assert "Supervisor" in body
    assert "Northgate neighbourhood team" in body
    assert "Another team" not in body
    assert "Authenticator app set up on" in body
    assert 'href="/accounts/account/password/"' in body


def test_a_weak_new_password_is_refused_with_the_rules_in_an_error_summary(client, officer):
    sign_in_fully(client, officer)
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    assert "This password is too short. It must contain at least 12 characters." in body
    assert "This password is too common." in body
    assert "<title>Error:" in body
    assert 'href="#new_password1"' in body  # the rules' messages sit on the field where the password is chosen
    assert 'href="#new_password2"' not in body
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_a_long_common_password_is_refused(client, officer):
    sign_in_fully(client, officer)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "administrator", "new_password2": "administrator"}
    )
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()


def test_the_current_password_must_be_right(client, officer):
    sign_in_fully(client, officer)
    response = client.post(
        CHANGE, {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert "Your current password is not correct" in response.content.decode()
    assert 'href="#old_password"' in response.content.decode()


def test_the_new_passwords_must_match(client, officer):
    sign_in_fully(client, officer)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 400
    assert "The new passwords do not match" in response.content.decode()


def test_a_good_password_is_changed_the_user_stays_signed_in_and_it_is_audited(client, officer):
    sign_in_fully(client, officer)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    page = client.get(reverse("accounts:account"))
    assert page.status_code == 200
    assert "Your password has been changed" in page.content.decode()
    assert AuditTag.ACCOUNTS_USER_PASSWORD_CHANGE in audit_tags()


def test_passwords_never_expire(settings):
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "MinimumLengthValidator" in names
    assert "CommonPasswordValidator" in names
    assert not hasattr(User, "password_expires_at")


def test_your_account_is_in_the_navigation_for_every_role(client, make_user):
    for n, role in enumerate(Role):
        user = make_user(f"user{n}", roles=[role])
        client.force_login(user)
        # force_login skips the second factor: mark the session verified as django_otp.login would.
        device = enrol(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        body = client.get(reverse("accounts:account")).content.decode()
        assert 'href="/accounts/account/"' in body, role
        assert "govuk-service-navigation__item--active" in body, role
