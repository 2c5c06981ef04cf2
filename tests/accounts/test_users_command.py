"""``upstream users create`` and ``upstream users list``."""

from __future__ import annotations

import getpass

import pytest
from accounts_helpers import enrol
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.models import User
from upstream.core.audit import AuditTag
from upstream.core.models import AuditEvent
from upstream.core.roles import Role

pytestmark = pytest.mark.django_db

GOOD = "harbour-violet-compass-31"


@pytest.fixture
def password_env(monkeypatch):
    monkeypatch.setenv("NEW_USER_PASSWORD", GOOD)
    return "NEW_USER_PASSWORD"


def create(*extra, env="NEW_USER_PASSWORD"):
    return call_command("users", "create", "--password-from-env", env, *extra)


def test_creates_a_user_with_roles_and_records_it(organisation, password_env, capsys):
    create(
        "--username", "bob", "--organisation", "Wessex Police", "--role", "officer", "--role", "analyst",
        "--email", "bob@example.org", "--first-name", "Bob", "--last-name", "Bell",
    )  # fmt: skip
    user = User.objects.get(username="bob")
    assert user.organisation == organisation
    assert sorted(user.roles) == ["analyst", "officer"]
    assert user.email == "bob@example.org"
    assert user.get_full_name() == "Bob Bell"
    assert user.check_password(GOOD)
    assert not user.is_staff
    event = AuditEvent.objects.get(tag=AuditTag.ACCOUNTS_USER_CREATE)
    assert event.object_id == str(user.pk)
    assert event.detail["roles"] == ["analyst", "officer"]
    assert event.actor_label == f"command line ({getpass.getuser()})"
    assert GOOD not in str(event.detail)
    assert "Created bob" in capsys.readouterr().out


def test_asks_for_the_password_twice_when_not_given_one(organisation, monkeypatch):
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    call_command("users", "create", "--username", "cara", "--organisation", "Wessex Police", "--role", "officer")
    assert User.objects.get(username="cara").check_password(GOOD)


def test_different_passwords_at_the_prompt_are_refused(organisation, monkeypatch):
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    with pytest.raises(CommandError, match="do not match"):
        call_command("users", "create", "--username", "cara", "--organisation", "Wessex Police", "--role", "officer")
    assert not User.objects.filter(username="cara").exists()


def test_an_unknown_role_is_refused_and_the_valid_ones_listed(organisation, password_env):
    with pytest.raises(CommandError) as error:
        create("--username", "bob", "--organisation", "Wessex Police", "--role", "sheriff")
    message = str(error.value)
    assert "Unknown role sheriff" in message
    for role in Role.values:
        assert role in message
    assert not User.objects.filter(username="bob").exists()


def test_a_duplicate_username_is_refused(officer, password_env):
    with pytest.raises(CommandError, match="already exists"):
        create("--username", "alice", "--organisation", "Wessex Police", "--role", "officer")
    assert User.objects.filter(username="alice").count() == 1


def test_an_unknown_organisation_is_refused_and_the_known_ones_listed(organisation, password_env):
    with pytest.raises(CommandError) as error:
        create("--username", "bob", "--organisation", "Wessex Constabulary", "--role", "officer")
    assert "no organisation called 'Wessex Constabulary'" in str(error.value)
    assert "Wessex Police" in str(error.value)


def test_a_weak_password_is_refused_with_the_reasons(organisation, monkeypatch):
    monkeypatch.setenv("WEAK", "password")
    with pytest.raises(CommandError) as error:
        create("--username", "bob", "--organisation", "Wessex Police", "--role", "officer", env="WEAK")
    assert "too short" in str(error.value)
    assert "too common" in str(error.value)
    assert not User.objects.filter(username="bob").exists()
    assert not AuditEvent.objects.filter(tag=AuditTag.ACCOUNTS_USER_CREATE).exists()


def test_a_missing_password_variable_is_explained(organisation, monkeypatch):
    monkeypatch.delenv("NOT_SET", raising=False)
    with pytest.raises(CommandError, match="NOT_SET is not set"):
        create("--username", "bob", "--organisation", "Wessex Police", "--role", "officer", env="NOT_SET")


def test_support_staff_must_be_administrators(organisation, password_env):
    with pytest.raises(CommandError, match="--role administrator"):
        create("--username", "sam", "--organisation", "Wessex Police", "--role", "officer", "--support-staff")
    create("--username", "sam", "--organisation", "Wessex Police", "--role", "administrator", "--support-staff")
    assert User.objects.get(username="sam").is_support_administrator


def test_list_shows_users_roles_and_two_factor(officer, make_user, capsys):
    make_user("demo-analyst", roles=[Role.ANALYST], is_demo_user=True)
    call_command("users", "list")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["USERNAME", "ORGANISATION", "ROLES", "ACTIVE", "TWO-FACTOR"]
    assert lines[1].split()[:2] == ["alice", "Wessex"]
    assert "not set up" in lines[1]
    assert "demo" in lines[2]
    assert "2 user(s)" in out


def test_reset_two_factor_removes_the_authenticator_and_records_it(officer, capsys):
    enrol(officer)
    call_command("users", "reset-two-factor", "--username", "alice")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(tag=AuditTag.ACCOUNTS_USER_MFA_RESET)
    assert event.object_id == str(officer.pk)
    assert event.actor_label == f"command line ({getpass.getuser()})"
    assert "Removed 1 authenticator device(s) for alice" in capsys.readouterr().out


def test_reset_two_factor_for_an_unknown_user_is_explained(db):
    with pytest.raises(CommandError, match="no user called 'ghost'"):
        call_command("users", "reset-two-factor", "--username", "ghost")
