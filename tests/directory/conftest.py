"""Fixtures for the directory: the official HSDS examples and a small generated directory."""

from __future__ import annotations

from pathlib import Path

import pytest

HSDS = Path("/work/shared/data/hsds")


@pytest.fixture
def hsds_dir() -> Path:
    """Returns the shared HSDS reference folder (skips when this machine does not have it)."""
    if not (HSDS / "3.0" / "schema" / "service.json").exists():
        pytest.skip("the shared HSDS reference data is not on this machine")
    return HSDS


@pytest.fixture
def schema_dir(hsds_dir: Path) -> Path:
    """Returns the official HSDS 3.0 schema folder."""
    return hsds_dir / "3.0" / "schema"


@pytest.fixture
def examples_dir(hsds_dir: Path) -> Path:
    """Returns the official HSDS 3.0 example dataset."""
    return hsds_dir / "3.0" / "examples"


@pytest.fixture
def signed_in(client):
    """Returns a function that signs a user in past both factors (django-otp's session key), as the middleware does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def sign(user):
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign
