"""The duplicate finder: pairs of open services that look like one service entered twice, and why.

Imported feeds often list a service twice, under a slightly different name or by another organisation.
Comparing every pair would be quadratic, so services are first put in blocks that share something exact
(organisation, postcode, phone digits, email, website host, or the same name once normalised); only pairs in
a block are compared. A pair is offered when the names, with the organisation's own words and filler words
taken out, are nearly the same, or alike and sharing a place or contact. A pair the co-ordinator has decided
about is never offered again.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from upstream.directory.models import (
    Address,
    DuplicateDecision,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)

SAME_NAME = 92  # names this alike are offered whatever else differs
ALIKE_NAME = 75  # names this alike are offered when they share an organisation, a place or a contact
BIGGEST_BLOCK = 400  # a block bigger than this (a shared switchboard) says nothing; skip it
SHORTEST_PHONE = 6  # fewer digits than this is an extension or a short code
FILLER = {"service", "services", "project", "the", "and", "of", "for", "a", "team", "scheme"}
WORD = re.compile(r"\w+")


@dataclass
class Candidate:
    """A pair of services that may be one, with the reasons in words."""

    first: Service
    second: Service
    score: int
    reasons: list[str] = field(default_factory=list)


def _name_key(service: Service) -> str:
    org_words = set(WORD.findall((service.organization.name if service.organization else "").lower()))
    words = [w for w in WORD.findall(service.name.lower()) if w not in FILLER and w not in org_words]
    return " ".join(words) or service.name.lower()


def _host(url: str) -> str:
    host = urlsplit(url.strip() if "://" in url else f"http://{url.strip()}").hostname or ""
    return host.removeprefix("www.")


Keys = dict[uuid.UUID, dict[str, set[str]]]


def _keys(services: dict[uuid.UUID, Service]) -> Keys:  # noqa: C901 - one short loop per kind of key
    """Returns, for each service, the exact things it could share with a duplicate, by kind."""
    keys: Keys = defaultdict(lambda: defaultdict(set))
    for sid, postcode in Address.objects.filter(location__service_at_locations__service_id__in=services).values_list(
        "location__service_at_locations__service_id", "postal_code"
    ):
        if postcode:
            keys[sid]["postcode"].add(re.sub(r"\s+", "", postcode.upper()))
    for sid, number in Phone.objects.filter(service_id__in=services).values_list("service_id", "number"):
        digits = re.sub(r"\D", "", number)[-10:]
        if len(digits) >= SHORTEST_PHONE:
            keys[sid]["phone"].add(digits)
    for sid, location in ServiceAtLocation.objects.filter(service_id__in=services).values_list(
        "service_id", "location_id"
    ):
        if location:
            keys[sid]["place"].add(str(location))
    for service in services.values():
        own = keys[service.pk]
        if service.email.strip():
            own["email"].add(service.email.strip().lower())
        if service.url.strip():
            own["website"].add(_host(service.url))
        if service.organization_id:
            own["organisation"].add(str(service.organization_id))
        own["name"].add(_name_key(service))
    return keys


def _pairs(keys: Keys) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Returns every pair of services that share at least one key, smaller id first."""
    blocks: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
    for sid, kinds in keys.items():
        for kind, values in kinds.items():
            for value in values:
                blocks[(kind, value)].add(sid)
    pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for members in blocks.values():
        if 1 < len(members) <= BIGGEST_BLOCK:
            ordered = sorted(members, key=str)
            pairs.update(combinations(ordered, 2))
    return pairs


def find_duplicates(limit: int = 200) -> list[Candidate]:
    """Returns pairs of open services that may be duplicates, most alike first, without decided pairs."""
    services = {s.pk: s for s in Service.objects.exclude(status=ServiceStatus.DEFUNCT).select_related("organization")}
    keys = _keys(services)
    decided = set(DuplicateDecision.objects.values_list("first_id", "second_id"))
    labels = {
        "organisation": _("same organisation"),
        "postcode": _("same postcode"),
        "place": _("same place"),
        "phone": _("same phone number"),
        "email": _("same email"),
        "website": _("same website"),
    }
    found: list[Candidate] = []
    for a, b in _pairs(keys):
        if (a, b) in decided:
            continue
        first, second = services[a], services[b]
        score = round(fuzz.token_sort_ratio(_name_key(first), _name_key(second)))
        shared = [kind for kind in labels if keys[a].get(kind, set()) & keys[b].get(kind, set())]
        if score < ALIKE_NAME or (score < SAME_NAME and not shared):
            continue
        reasons = [_("names %(score)d%% alike") % {"score": score}] + [str(labels[k]) for k in shared]
        found.append(Candidate(first, second, score + 5 * len(shared), reasons))
    found.sort(key=lambda c: (-c.score, c.first.name, str(c.first.pk)))
    return found[:limit]
