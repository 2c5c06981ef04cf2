"""Staff must pass the second factor before they reach any page but sign-in and the public pages.

A user who has given a correct password but no code yet is *half signed in*, and half signed in is
nobody: ``request.user`` is anonymous on every page, so nothing (the navigation, a public page that says
more to signed-in users, an API route) can treat them as signed in. Only the sign-in steps may see who
they are, as ``request.half_signed_in_user`` (the code page must know whose code it checks). From any
page that is neither public nor a sign-in step they are sent to the second-factor step; API calls get the
API's own 401.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC_PAGE_ATTRIBUTE = "upstream_public_page"
SIGN_IN_STEP_ATTRIBUTE = "upstream_sign_in_step"


def public_page(view: F) -> F:
    """Marks a view as public: anyone may open it, and a half-signed-in user sees it as a visitor."""
    setattr(view, PUBLIC_PAGE_ATTRIBUTE, True)
    return view


def sign_in_step(view: F) -> F:
    """Marks a view as part of signing in or out, open to a user who has not yet given their code."""
    setattr(view, SIGN_IN_STEP_ATTRIBUTE, True)
    return view


def second_factor_skipped(user: Any) -> bool:
    """Returns whether the user may go without a second factor: demo logins, and only in demo mode."""
    return bool(settings.DEMO_MODE and getattr(user, "is_demo_user", False))


def half_signed_in_user(request: HttpRequest) -> Any:
    """Returns the user who has given their password but not yet a code, on the sign-in steps; else None."""
    return getattr(request, "half_signed_in_user", None)


def second_factor_satisfied(user: Any) -> bool:
    """Returns whether a signed-in user has passed the second factor (or may skip it in demo mode)."""
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool((is_verified is not None and is_verified()) or second_factor_skipped(user))


def _is_public_path(path: str) -> bool:
    return path in settings.UPSTREAM_PUBLIC_PATHS or path.startswith(tuple(settings.UPSTREAM_PUBLIC_PATH_PREFIXES))


def _view_marks(path: str) -> tuple[bool, bool]:
    try:
        func = resolve(path).func
    except Resolver404:
        return False, False
    return bool(getattr(func, PUBLIC_PAGE_ATTRIBUTE, False)), bool(getattr(func, SIGN_IN_STEP_ATTRIBUTE, False))


def _appear_anonymous(request: HttpRequest) -> None:
    anonymous = AnonymousUser()

    async def auser() -> AnonymousUser:
        return anonymous

    request.user = anonymous
    request.auser = auser  # type: ignore[attr-defined]


class SecondFactorRequiredMiddleware:
    """Sends a signed-in user who has not verified a second factor to the two-factor step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Returns the response, or a redirect to the second-factor step."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or second_factor_satisfied(user):
            return self.get_response(request)

        public, step = _view_marks(request.path_info)
        if step:
            request.half_signed_in_user = user  # type: ignore[attr-defined]
            _appear_anonymous(request)
            return self.get_response(request)
        if public or _is_public_path(request.path_info) or request.path_info.startswith("/api/"):
            _appear_anonymous(request)
            return self.get_response(request)
        target = reverse("accounts:two-factor")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
