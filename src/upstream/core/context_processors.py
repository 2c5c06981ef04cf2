"""What every page's shell needs: navigation for the user's roles, language, demo mode, the CSP nonce."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from upstream.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """Returns the shell's context for one request."""
    language = translation.get_language() or "en"
    user = getattr(request, "user", None)  # absent when an error page is shown before authentication ran
    return {
        "signed_in": bool(user is not None and user.is_authenticated),
        "demo_mode": settings.DEMO_MODE,
        "html_lang": "cy" if language.startswith("cy") else "en",
        "other_language": "en" if language.startswith("cy") else "cy",
        "navigation": navigation_for(request),
        "csp_nonce": str(request.csp_nonce) if hasattr(request, "csp_nonce") else None,
    }
