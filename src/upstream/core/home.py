"""Home-page panels: each capability registers what its users see first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Panel:
    """A card on the home page linking to a task the user's role does."""

    title: str | Promise
    description: str | Promise
    url_name: str
    action: str
    order: int = 100
    count: Callable[[Any], int | None] | None = None  # optional figure, e.g. items waiting


_panels: list[Panel] = []


def register(panel: Panel) -> None:
    """Adds a panel to the home page (from a package's AppConfig.ready)."""
    if all(p.url_name != panel.url_name for p in _panels):
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def home_panels_for(user: Any) -> list[dict[str, Any]]:
    """Returns the panels the user's roles allow, with their figures."""
    from django.urls import reverse

    from upstream.core.policy import can

    return [
        {
            "title": str(p.title),
            "description": str(p.description),
            "href": reverse(p.url_name),
            "count": p.count(user) if p.count else None,
        }
        for p in _panels
        if can(user, p.action)
    ]
