"""The shell's own pages: home by role, accessibility statement, privacy notice, language, errors."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_GET

from upstream.core.home import home_panels_for, role_introductions_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Shows the signed-in user's home page for their roles, or the public landing page."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(
        request,
        "core/home.html",
        {"panels": home_panels_for(request.user), "introductions": role_introductions_for(request.user)},
    )


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """Shows the accessibility statement."""
    return render(request, "core/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """Shows the privacy notice."""
    return render(request, "core/privacy.html")


@require_GET
def switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """Switches the interface language and returns to the page the user was on.

    A plain link (not a form) so it works without JavaScript from every page; a language preference is
    not a state change an attacker gains anything by forcing, so it needs no CSRF token.
    """
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shows the bad-request page, saying nothing of the cause."""
    return render(request, "core/errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shows the forbidden page, saying nothing of what exists."""
    return render(request, "core/errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shows the page-not-found page."""
    return render(request, "core/errors/404.html", status=404)


PLAIN_500 = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sorry, there is a problem with the '
    "service – Upstream</title></head><body><main><h1>Sorry, there is a problem with the service</h1>"
    "<p>Try again later. Anything you were saving has not been saved.</p></main></body></html>"
)


def error_500(request: HttpRequest) -> HttpResponse:
    """Shows the server-error page; no detail of the failure reaches the browser."""
    try:
        return render(request, "core/errors/500.html", status=500)
    except Exception:  # noqa: BLE001 - the page that reports failure must not fail in turn
        return HttpResponse(PLAIN_500, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Shows the form-expired page when a form's CSRF check fails."""
    return render(request, "core/errors/csrf.html", status=403)
