"""The Django admin site, for support staff only: active staff users holding the administrator role."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from upstream.accounts.middleware import second_factor_satisfied


class SupportAdminSite(admin.AdminSite):
    """The admin site, refused to anyone but an active support administrator who has passed two factors."""

    site_header = _("Upstream support")
    site_title = _("Upstream support")
    index_title = _("Support administration")

    def has_permission(self, request: HttpRequest) -> bool:
        """Returns whether the user is an active staff user with the administrator role and a second factor."""
        user: Any = request.user
        return bool(user.is_authenticated and user.is_support_administrator and second_factor_satisfied(user))

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:  # noqa: ARG002 - AdminSite's signature
        """Sends visitors to Upstream's own sign-in (with its lockout and second factor); refuses everyone else."""
        if request.user.is_authenticated:
            # Signed in but not a support administrator: say nothing more than "forbidden".
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('accounts:sign-in')}?{urlencode({'next': next_url})}")
