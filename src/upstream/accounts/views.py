"""Signing in (password, then a code from an authenticator app), signing out, and the user's account."""

from __future__ import annotations

from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from upstream.accounts import mfa, services
from upstream.accounts.forms import ChangePasswordForm, CodeForm, SignInForm
from upstream.accounts.middleware import half_signed_in_user, public_page, second_factor_skipped, sign_in_step
from upstream.accounts.models import User
from upstream.core.audit import AuditTag, record

NEXT_SESSION_KEY = "upstream_next"


def _safe(request: HttpRequest, next_url: str | None) -> str:
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("core:home")
    return next_url


def _safe_next(request: HttpRequest) -> str:
    return _safe(request, request.POST.get("next") or request.GET.get("next"))


def error_list(form: Form) -> list[dict[str, str]]:
    """Returns a form's errors in the shape the GOV.UK error summary takes, each linked to its field."""
    items = []
    for field, errors in form.errors.items():
        href = f"#{field}" if field != "__all__" else f"#{next(iter(form.fields))}"
        items.extend({"text": str(error), "href": href} for error in errors)
    return items


def _second_step_for(user: User) -> str:
    if second_factor_skipped(user):
        return ""
    if mfa.confirmed_device(user) is not None:
        return reverse("accounts:two-factor")
    return reverse("accounts:two-factor-set-up")


@public_page
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Signs a member of staff in with username and password, then sends them to the second step."""
    form = SignInForm(request.POST or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            username = form.cleaned_data["username"]
            credentials = {"username": username}
            already_locked = AxesProxyHandler.is_locked(request, credentials)
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if getattr(request, "axes_locked_out", False) or already_locked:
                # AxesMiddleware swaps this response for locked_out(), which records the lockout.
                if not already_locked:
                    _record_failure(request, username)
                return HttpResponse(status=429)
            if user is not None:
                return _password_accepted(request, user)
            _record_failure(request, username)
            errors = [{"text": _("Enter a correct username and password"), "href": "#username"}]
        else:
            errors = error_list(form)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "errors": errors, "next": _safe_next(request)},
        status=400 if errors else 200,
    )


def _record_failure(request: HttpRequest, username: str) -> None:
    # The attempted username is kept (it is how an attack on an account is spotted); the password never is.
    target = User.objects.filter(username=username).only("pk").first()
    record(
        actor=None,
        tag=AuditTag.ACCOUNTS_USER_SIGN_IN_FAILED,
        object_type="accounts.user",
        object_id=target.pk if target else "",
        detail={"username": username, "address": request.META.get("REMOTE_ADDR", "")},
    )


def _password_accepted(request: HttpRequest, user: User) -> HttpResponse:
    next_url = _safe_next(request)
    step = _second_step_for(user)
    with transaction.atomic():
        login(request, user)
        record(
            actor=user,
            tag=AuditTag.ACCOUNTS_USER_SIGN_IN,
            obj=user,
            detail={
                "second_factor": "skipped in demo mode" if not step else "required",
                "address": request.META.get("REMOTE_ADDR", ""),
            },
        )
    if not step:
        return HttpResponseRedirect(next_url)
    request.session[NEXT_SESSION_KEY] = next_url
    return HttpResponseRedirect(step)


def _after_second_factor(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(_safe(request, request.session.pop(NEXT_SESSION_KEY, None)))


def _half_signed_in(request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
    """Returns the user between password and code, or where to send someone who should not be here."""
    user = half_signed_in_user(request)
    if user is not None:
        return user, None
    if request.user.is_authenticated:  # already past the second factor (or skipping it in demo mode)
        return None, _after_second_factor(request)
    return None, HttpResponseRedirect(reverse("accounts:sign-in"))


@sign_in_step
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Asks a user who has given their password for the code from their authenticator app."""
    user, elsewhere = _half_signed_in(request)
    if user is None:
        return elsewhere  # type: ignore[return-value]
    if "next" in request.GET:
        request.session[NEXT_SESSION_KEY] = _safe(request, request.GET["next"])
    device = mfa.confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(reverse("accounts:two-factor-set-up"))
    form = CodeForm(request.POST or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        throttled = not device.verify_is_allowed()[0]
        if form.is_valid() and _verify(request, user, device, form.cleaned_data["code"]):
            return _after_second_factor(request)
        errors = error_list(form) or _wrong_code(throttled=throttled)
    return render(request, "accounts/two_factor.html", {"form": form, "errors": errors}, status=400 if errors else 200)


def _mark_verified(request: HttpRequest, user: User, device: Any) -> None:
    # A new session key at each step up in privilege, so a key seen before the code was given is worthless.
    request.session.cycle_key()
    request.user = user  # the middleware hid them until now; django_otp.login binds the device to them
    django_otp.login(request, device)


def _wrong_code(*, throttled: bool) -> list[dict[str, str]]:
    if throttled:
        text = _("You have entered too many wrong codes. Wait a minute, then enter the newest code from your app")
    else:
        text = _("The code is not correct or has expired")
    return [{"text": text, "href": "#code"}]


def _verify(request: HttpRequest, user: User, device: Any, code: str) -> bool:
    # django-otp slows repeated wrong codes down exponentially per device, which stops guessing all 10^6.
    with transaction.atomic():
        verified = device.verify_token(code)
        if verified:
            _mark_verified(request, user, device)
            record(actor=user, tag=AuditTag.ACCOUNTS_USER_SECOND_FACTOR, obj=user, detail={"device": "totp"})
        else:
            record(actor=user, tag=AuditTag.ACCOUNTS_USER_SECOND_FACTOR_FAILED, obj=user, detail={"device": "totp"})
    return bool(verified)


@sign_in_step
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Shows a user without an authenticator a QR code and secret to set one up, and confirms it by a code."""
    user, elsewhere = _half_signed_in(request)
    if user is None:
        return elsewhere  # type: ignore[return-value]
    # Someone who knows only the password must not be able to add a second authenticator to an account.
    if mfa.confirmed_device(user) is not None:
        return HttpResponseRedirect(reverse("accounts:two-factor"))
    device = mfa.pending_device(user)
    form = CodeForm(request.POST or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        throttled = not device.verify_is_allowed()[0]
        if form.is_valid() and services.confirm_totp_device(user=user, device=device, token=form.cleaned_data["code"]):
            device.refresh_from_db()
            _mark_verified(request, user, device)
            return _after_second_factor(request)
        errors = error_list(form) or _wrong_code(throttled=throttled)
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "errors": errors,
            "qr_code": mfa.qr_code_svg(device),
            "secret": mfa.secret_for_manual_entry(device),
        },
        status=400 if errors else 200,
    )


@sign_in_step
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Signs the user out."""
    user = half_signed_in_user(request) or request.user
    if user.is_authenticated:
        record(actor=user, tag=AuditTag.ACCOUNTS_USER_SIGN_OUT, obj=user)
    logout(request)
    return HttpResponseRedirect(reverse("accounts:sign-in"))


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Tells a user their account is locked after too many failed sign-ins."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    target = User.objects.filter(username=username).only("pk").first() if username else None
    record(
        actor=None,
        tag=AuditTag.ACCOUNTS_USER_LOCKED_OUT,
        object_type="accounts.user",
        object_id=target.pk if target else "",
        detail={"username": username, "address": request.META.get("REMOTE_ADDR", "")},
    )
    return render(request, "accounts/locked_out.html", status=429)


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """Shows the signed-in user their roles, organisation, teams and two-factor status."""
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/account.html",
        {
            "account": user,
            "teams": list(user.teams.select_related("organisation")),
            "device": mfa.confirmed_device(user),
            "second_factor_skipped": second_factor_skipped(user),
        },
    )


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Lets the signed-in user change their password, checked against the password rules."""
    form = ChangePasswordForm(request.user, request.POST or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            services.change_password(user=request.user, new_password=form.cleaned_data["new_password1"])  # type: ignore[arg-type]
            # Keeps this session (and its second factor) signed in; other sessions of the user end.
            update_session_auth_hash(request, request.user)
            from django.contrib import messages

            messages.success(request, _("Your password has been changed"))
            return HttpResponseRedirect(reverse("accounts:account"))
        errors = error_list(form)
    return render(
        request, "accounts/change_password.html", {"form": form, "errors": errors}, status=400 if errors else 200
    )
