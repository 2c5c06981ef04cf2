"""Referral pages: thin views over referrals.queries (reads) and referrals.services (changes)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Shows the referrals home: the inbox for receivers, what was sent for referrers."""
    return HttpResponseRedirect(reverse("people:list"))
