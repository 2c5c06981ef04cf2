"""The admin site at /support/admin/ is for active support staff holding the administrator role only."""

from __future__ import annotations

import pytest
from accounts_helpers import audit_tags, enrol, give_password, sign_in_fully
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.models import Team, User
from upstream.core.audit import AuditTag
from upstream.core.roles import Role

pytestmark = pytest.mark.django_db

ADMIN = "/support/admin/"


@pytest.fixture
def support_admin(make_user):
    return make_user("sam", roles=[Role.ADMINISTRATOR], is_staff=True)


def test_a_visitor_is_sent_to_upstream_sign_in(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:sign-in"))
    assert response.status_code == 200


def test_the_admin_login_page_is_not_a_way_round_the_second_factor(client, support_admin):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize(
    ("roles", "is_staff"),
    [
        ([Role.OFFICER], False),
        ([Role.SUPERVISOR, Role.ANALYST], True),  # staff flag without the administrator role
        ([Role.ADMINISTRATOR], False),  # administrator role without the staff flag
    ],
)
def test_anyone_but_a_support_administrator_is_refused(client, make_user, roles, is_staff):
    user = make_user("pat", roles=roles, is_staff=is_staff)
    sign_in_fully(client, user)
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403
    assert "Upstream support" not in response.content.decode()
    assert client.get(reverse("admin:accounts_user_changelist"), follow=True).status_code == 403


def test_a_superuser_flag_alone_is_not_enough(client, make_user):
    user = make_user("root", roles=[], is_staff=True, is_superuser=True)
    sign_in_fully(client, user)
    assert client.get(ADMIN, follow=True).status_code == 403


def test_a_support_administrator_without_the_second_factor_is_stopped(client, support_admin):
    enrol(support_admin)
    give_password(client, "sam")
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))


def test_an_inactive_administrator_is_refused(client, support_admin):
    sign_in_fully(client, support_admin)
    User.objects.filter(pk=support_admin.pk).update(is_active=False)
    assert client.get(ADMIN).status_code in {302, 403}
    assert "Upstream support" not in client.get(ADMIN, follow=True).content.decode()


def test_a_support_administrator_can_edit_roles_as_checkboxes(client, support_admin, officer, organisation):
    sign_in_fully(client, support_admin)
    assert client.get(ADMIN).status_code == 200
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    page = client.get(url).content.decode()
    for role in Role:
        assert f'type="checkbox" name="roles" value="{role.value}"' in page

    response = client.post(
        url,
        {
            "username": "alice",
            "first_name": "Alice",
            "last_name": "Ames",
            "email": "",
            "organisation": organisation.pk,
            "roles": [Role.OFFICER, Role.SUPERVISOR],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert sorted(officer.roles) == sorted([Role.OFFICER, Role.SUPERVISOR])
    assert officer.first_name == "Alice"


def test_organisations_and_teams_are_in_the_admin(client, support_admin, organisation):
    Team.objects.create(organisation=organisation, name="Northgate neighbourhood team")
    sign_in_fully(client, support_admin)
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 200
    page = client.get(reverse("admin:accounts_team_changelist")).content.decode()
    assert "Northgate neighbourhood team" in page


def test_a_support_administrator_can_reset_a_lost_authenticator(client, support_admin, officer):
    enrol(officer)
    sign_in_fully(client, support_admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [officer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditTag.ACCOUNTS_USER_MFA_RESET in audit_tags()
    client.post(reverse("accounts:sign-out"))
    assert give_password(client, "alice")["Location"] == reverse("accounts:two-factor-set-up")


def test_the_admin_never_shows_an_authenticator_secret(client, support_admin, officer):
    device = enrol(officer)
    sign_in_fully(client, support_admin)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code in {403, 404}
