"""Helpers for the accounts tests: codes from an authenticator, and the two-step sign-in."""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.core.models import AuditEvent

PASSWORD = "granite-orchard-lantern-47"


def code_for(device, steps=0):
    """Returns the six-digit code the device's app would show now (or a number of steps later)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps):06d}"


def wrong_code_for(device):
    """Returns a six-digit code that no step the device accepts would show."""
    valid = {code_for(device, s) for s in (-2, -1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(1, 100)) if c not in valid)


def enrol(user):
    """Returns a confirmed authenticator device for the user, as if they had set it up."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def give_password(client, username, password=PASSWORD, **extra):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password}, **extra)


def sign_in_fully(client, user, device=None, steps=0):
    """Signs the user in with their password and a code; returns the device."""
    device = device or enrol(user)
    response = give_password(client, user.username)
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("accounts:two-factor")
    response = client.post(reverse("accounts:two-factor"), {"code": code_for(device, steps)})
    assert response.status_code == 302, response.content
    return device


def audit_tags():
    return list(AuditEvent.objects.order_by("sequence").values_list("tag", flat=True))
