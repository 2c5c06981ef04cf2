"""Service navigation: each capability registers its sections; users see those their roles may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import checks
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


@checks.register(checks.Tags.urls)
def check_routes_exist(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:  # noqa: ARG001 - Django's check signature
    """Returns an error for each registered navigation section whose route does not exist."""
    from django.urls import NoReverseMatch

    errors: list[checks.CheckMessage] = []
    for entry in _sections:
        try:
            reverse(entry.url_name)
        except NoReverseMatch:
            errors.append(
                checks.Error(
                    f"Navigation section {str(entry.label)!r} links to the missing route {entry.url_name!r}.",
                    hint="Add the route to the package's urls.py, or register it under an existing route name.",
                    id="upstream.E002",
                )
            )
    return errors
