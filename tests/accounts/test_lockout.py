"""Five failed sign-ins within fifteen minutes lock the username for fifteen minutes (django-axes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from accounts_helpers import audit_tags, give_password
from axes.models import AccessAttempt, AccessFailureLog
from django.utils import timezone

from upstream.core.audit import AuditTag
from upstream.core.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-but-long"


def fail(client, username="alice", times=1, **extra):
    return [give_password(client, username, password=WRONG, **extra) for _ in range(times)]


def test_four_failures_do_not_lock_the_account(client, officer):
    responses = fail(client, times=4)
    assert [r.status_code for r in responses] == [400] * 4
    response = give_password(client, "alice")
    assert response.status_code == 302


def test_the_fifth_failure_locks_the_account_even_with_the_right_password(client, officer):
    responses = fail(client, times=5)
    assert [r.status_code for r in responses] == [400, 400, 400, 400, 429]
    assert "Your account is locked" in responses[-1].content.decode()

    response = give_password(client, "alice")

    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_follows_the_username_whatever_the_address(client, officer):
    for n in range(5):
        fail(client, REMOTE_ADDR=f"203.0.113.{n + 1}")
    assert give_password(client, "alice", REMOTE_ADDR="198.51.100.7").status_code == 429


def test_one_locked_username_does_not_lock_another(client, officer, make_user):
    make_user("bob")
    fail(client, "alice", times=5)
    assert give_password(client, "bob").status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(client, officer):
    fail(client, times=5)
    assert give_password(client, "alice").status_code == 429

    # Fifteen minutes and a second pass: move the recorded attempts back in time.
    past = timezone.now() - timedelta(minutes=15, seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    AccessFailureLog.objects.update(attempt_time=past)

    assert give_password(client, "alice").status_code == 302


def test_the_lock_still_holds_just_before_fifteen_minutes(client, officer):
    fail(client, times=5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14, seconds=50))
    assert give_password(client, "alice").status_code == 429


def test_attempts_during_the_lock_do_not_extend_it(client, officer):
    fail(client, times=5)
    past = timezone.now() - timedelta(minutes=10)
    AccessAttempt.objects.update(attempt_time=past)
    fail(client, times=3)  # still locked; these must not restart the fifteen minutes
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert give_password(client, "alice").status_code == 302


def test_a_success_clears_earlier_failures(client, officer):
    fail(client, times=4)
    assert give_password(client, "alice").status_code == 302
    client.logout()
    responses = fail(client, times=4)
    assert [r.status_code for r in responses] == [400] * 4


def test_failures_and_the_lockout_are_audited(client, officer):
    fail(client, times=5)
    give_password(client, "alice")  # refused while locked

    tags = audit_tags()
    assert tags.count(AuditTag.ACCOUNTS_USER_SIGN_IN_FAILED) == 5
    assert tags.count(AuditTag.ACCOUNTS_USER_LOCKED_OUT) == 2
    assert AuditTag.ACCOUNTS_USER_SIGN_IN not in tags
    lockout = AuditEvent.objects.filter(tag=AuditTag.ACCOUNTS_USER_LOCKED_OUT).first()
    assert lockout.detail["username"] == "alice"
    assert lockout.object_id == str(officer.pk)
    assert WRONG not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_failures_for_an_unknown_username_are_audited_too(client, db):
    fail(client, "nobody")
    event = AuditEvent.objects.get()
    assert event.tag == AuditTag.ACCOUNTS_USER_SIGN_IN_FAILED
    assert event.detail["username"] == "nobody"
    assert event.object_id == ""


def test_failures_more_than_fifteen_minutes_old_no_longer_count(client, officer):
    fail(client, times=4)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert fail(client)[0].status_code == 400  # a fifth failure, but the first four have lapsed
    assert give_password(client, "alice").status_code == 302
