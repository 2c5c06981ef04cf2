"""Links one capability offers on another's pages, without the two importing each other.

The directory's service page shows "Refer someone to this service" and "Ask this service for help", but
the rules for who sees them belong to referrals. Referrals registers a provider for the kind of record
("directory:service") from its AppConfig.ready; the directory's view asks for the links of that kind:

    links.register("directory:service", provider)       # provider(user, record) -> list[Link]
    links.for_record("directory:service", request.user, service)

Kinds in use (the provider's module says what the record must carry):

- ``directory:service`` (a directory Service): refer, ask for help (``referrals/links.py``).
- ``people:person`` (a people Person): refer this person (``referrals/links.py``).
- ``triggers:child`` (a triggers Trigger, carrying ``resolved_person_id``): see the child's linked police records
  (``records/links.py``).
- ``places:area`` (a places Area), ``places:hotspot``, ``triggers:repeat-location``, ``triggers:repeat-victim``,
  ``triggers:repeat-offender``, ``triggers:repeat-list`` (a mapping with ``area_code`` and optionally
  ``title``, ``description``, ``evidence``, ``problem_type``, ``source_kind``): start a problem-solving plan
  from this (``problems/links.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Link:
    """One action offered on a record's page."""

    text: str | Promise
    href: str


Provider = Callable[[Any, Any], list[Link]]
_providers: dict[str, list[Provider]] = {}


def register(kind: str, provider: Provider) -> None:
    """Adds a provider of links for one kind of record (called from a package's AppConfig.ready)."""
    providers = _providers.setdefault(kind, [])
    if provider not in providers:
        providers.append(provider)


def for_record(kind: str, user: Any, record: Any) -> list[dict[str, str]]:
    """Returns the links every provider offers this user on this record, as text and href."""
    found: list[dict[str, str]] = []
    for provider in _providers.get(kind, []):
        found.extend({"text": str(link.text), "href": link.href} for link in provider(user, record))
    return found
