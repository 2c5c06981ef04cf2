"""System checks for sign-in security that `upstream check --deploy` reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register  # noqa: A004 - Django's name


@register(Tags.security, deploy=True)
def demo_mode_is_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:  # noqa: ARG001 - Django passes both
    """Returns a warning when a deployment runs in demo mode, where demo logins skip the second factor."""
    if not settings.DEMO_MODE:
        return []
    return [
        Warning(
            "UPSTREAM_DEMO_MODE is on: demo logins sign in without a second factor.",
            hint="Unset UPSTREAM_DEMO_MODE anywhere that holds real personal data.",
            id="accounts.W001",
        )
    ]
