"""Sessions end after thirty idle minutes; each request starts the thirty minutes again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from accounts_helpers import code_for, enrol, give_password, sign_in_fully
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/account/"


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_the_session_lasts_thirty_minutes(client, officer):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sign_in_fully(client, officer)
    remaining = stored_session(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_after_thirty_idle_minutes_the_next_request_is_sent_to_sign_in(client, officer):
    sign_in_fully(client, officer)
    assert client.get(ACCOUNT).status_code == 200

    # Thirty-one minutes pass with no request: the stored session has expired.
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))

    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_activity_keeps_the_session_alive(client, officer):
    sign_in_fully(client, officer)
    # Twenty-nine idle minutes: one minute left.
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() + timedelta(minutes=1))

    assert client.get(ACCOUNT).status_code == 200

    remaining = stored_session(client).expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)


def test_each_sign_in_step_gives_a_new_session_key(client, officer):
    device = enrol(officer)
    client.get(reverse("accounts:sign-in"))
    client.session.save()
    keys = [client.session.session_key]
    give_password(client, "alice")
    keys.append(client.session.session_key)
    client.post(reverse("accounts:two-factor"), {"code": code_for(device)})
    keys.append(client.session.session_key)
    assert len(set(keys)) == 3
    assert client.get(ACCOUNT).status_code == 200
    # The key from before the code was given no longer opens anything.
    assert not Session.objects.filter(pk=keys[1]).exists()
