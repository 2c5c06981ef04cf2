"""Signing a user in past both factors, as the two-factor middleware expects (django-otp's session key).

The suite's one way to do it: the `signed_in` fixture (tests/conftest.py) and any test that needs the plain
function import it from here (`from signing_in import sign_in`; pytest puts tests/ on the path).
"""

from __future__ import annotations

from typing import Any


def sign_in(client: Any, user: Any) -> Any:
    """Signs the user in on the test client with a confirmed authenticator; returns the client."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Test authenticator", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
