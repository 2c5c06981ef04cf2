"""Links other capabilities show to reach referrals: the directory's "Refer" button and "Ask for help".

The directory's service page (another package) calls these rather than building URLs itself, so the rules for
who sees the button live here:

    {% set refer = referral_links.refer_url(request.user, service) %}
    {% if refer %}{{ govukButton({"text": _("Refer"), "href": refer}) }}{% endif %}

(pass ``referral_links`` from the view: ``from upstream.referrals import links as referral_links``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from upstream.core.policy import can
from upstream.referrals import policies
from upstream.referrals.models import Programme, ReceivingService


def takes_referrals(service: Any) -> bool:
    """Returns whether a directory service receives referrals through Upstream."""
    return ReceivingService.objects.filter(service=service).exists()


def refer_url(user: Any, service: Any = None, *, programme: Programme | None = None, person: Any = None) -> str | None:
    """Returns the page to refer someone to the service or programme, or None when the user may not or it takes none."""
    if not can(user, policies.REFERRAL_CREATE):
        return None
    if programme is not None:
        query = {"programme": programme.pk}
    elif service is not None and takes_referrals(service):
        query = {"service": str(service.pk)}
    else:
        return None
    if person is not None:
        query["person"] = person.pk
    return f"{reverse('referrals:new')}?{urlencode(query)}"


def self_referral_url(service: Any = None, *, programme: Programme | None = None) -> str | None:
    """Returns the public "ask for help" page for a service or programme, or None when it takes no self-referrals."""
    if programme is not None:
        return (
            f"{reverse('referrals:self-referral')}?programme={programme.pk}"
            if programme.accepts_self_referrals
            else None
        )
    if service is not None and ReceivingService.objects.filter(service=service, accepts_self_referrals=True).exists():
        return f"{reverse('referrals:self-referral')}?{urlencode({'service': str(service.pk)})}"
    return None
