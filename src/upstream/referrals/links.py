"""Links other capabilities show to reach referrals: the directory's "Refer" button and "Ask for help".

The directory's service page (another package) shows them through core's link registry
(``upstream.core.links``): :func:`service_links` is registered for "directory:service" in ReferralsConfig.ready,
so the rules for who sees which link live here and the directory never imports referrals.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from upstream.core.links import Link
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


def person_links(user: Any, person: Any) -> list[Link]:
    """Returns the referral link a person's page offers: refer this person (to a service or programme chosen next)."""
    if getattr(person, "is_erased", False) or not can(user, policies.REFERRAL_CREATE):
        return []
    if getattr(user, "organisation_id", None) is None:
        return []
    return [Link(_("Refer this person to a service or programme"), f"{reverse('referrals:refer')}?person={person.pk}")]


def service_links(user: Any, service: Any) -> list[Link]:
    """Returns the referral links a directory service page offers this user: refer (staff), ask for help."""
    found = []
    refer = refer_url(user, service)
    if refer:
        found.append(Link(_("Refer someone to this service"), refer))
    ask = self_referral_url(service)
    if ask:
        found.append(Link(_("Ask this service for help"), ask))
    return found
