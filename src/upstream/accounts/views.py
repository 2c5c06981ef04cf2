"""Signing in and out."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from upstream.accounts.forms import SignInForm


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("core:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        return reverse("core:home")
    return next_url


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Signs a member of staff in with username and password."""
    form = SignInForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(_safe_next(request))
        error = _("Enter a correct username and password")
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "error": error, "next": _safe_next(request)},
        status=200 if error is None else 400,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Signs the user out."""
    logout(request)
    return HttpResponseRedirect(reverse("accounts:sign-in"))


def locked_out(
    request: HttpRequest, credentials: dict[str, str] | None = None, *args: object, **kwargs: object
) -> HttpResponse:
    """Tells a user their account is locked after too many failed sign-ins."""
    return render(request, "accounts/locked_out.html", status=429)
