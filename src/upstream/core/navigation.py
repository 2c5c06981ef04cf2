"""Service navigation: each capability registers its sections; users see those their roles may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    """One entry in the service navigation."""

    label: str | Promise
    url_name: str
    action: str  # the policy action a user needs to see it
    order: int = 100
    active_prefix: str | None = None  # the path prefix that marks it as the current section


_sections: list[Section] = []


def register(section: Section) -> None:
    """Adds a section to the service navigation (called from each package's AppConfig.ready)."""
    if all(s.url_name != section.url_name for s in _sections):
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    """Returns the navigation items for the signed-in user, in the shape govukServiceNavigation takes."""
    from upstream.core.policy import can

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items: list[dict[str, Any]] = []
    for section in _sections:
        if not can(user, section.action):
            continue
        href = reverse(section.url_name)
        prefix = section.active_prefix or href
        active = request.path == href or (prefix != "/" and request.path.startswith(prefix))
        items.append({"href": href, "text": str(section.label), "active": active})
    return items


def sections() -> list[Section]:
    """Returns every registered section (for tests and the role × route matrix)."""
    return list(_sections)


RouteCheck = Callable[[Any], bool]
