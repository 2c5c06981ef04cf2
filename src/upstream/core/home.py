"""Home-page panels: each capability registers what its users see first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from upstream.core.roles import Role

# What each role does in Upstream, said in a sentence or two at the top of the home page, above the panels.
ROLE_INTRODUCTIONS: dict[str, Promise] = {
    Role.OFFICER: _(
        "As an officer you record what you find on patrol, refer people to the support that fits, and work "
        "the problems in your neighbourhoods with partners."
    ),
    Role.CALL_HANDLER: _(
        "As a call handler you check whether a caller or an address is already known, and pass concerns to "
        "the neighbourhood team so they are dealt with before they become emergencies."
    ),
    Role.ANALYST: _(
        "As an analyst you find the places and patterns where early help would do most good, and see whether "
        "what was tried made a difference."
    ),
    Role.SUPERVISOR: _(
        "As a supervisor you review your team's referrals and plans, decide what happens next, and check who "
        "has looked at a person's record."
    ),
    Role.PARTNER_CASEWORKER: _(
        "As a partner caseworker you receive referrals shared with your organisation, say what support was "
        "offered and tell the referrer what happened."
    ),
    Role.DIRECTORY_COORDINATOR: _(
        "As a directory co-ordinator you keep the Pathways directory of local services accurate, so staff and "
        "the public find the right help."
    ),
    Role.ADMINISTRATOR: _(
        "As an administrator you manage users, organisations, teams and their roles, and keep the service running."
    ),
}


@dataclass(frozen=True)
class Panel:
    """A card on the home page linking to a task the user's role does."""

    title: str | Promise
    description: str | Promise
    url_name: str
    action: str
    order: int = 100
    count: Callable[[Any], int | None] | None = None  # optional figure, e.g. items waiting
    count_label: str | Promise = ""  # what the figure counts, shown beside it ("waiting for approval")


_panels: list[Panel] = []


def register(panel: Panel) -> None:
    """Adds a panel to the home page (from a package's AppConfig.ready)."""
    if all(p.url_name != panel.url_name for p in _panels):
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def role_introductions_for(user: Any) -> list[dict[str, str]]:
    """Returns what each of the user's roles does here, in the order roles are listed."""
    held = set(getattr(user, "roles", None) or ())
    return [
        {"role": str(role.label), "text": str(ROLE_INTRODUCTIONS[role])}
        for role in Role
        if role.value in held and role in ROLE_INTRODUCTIONS
    ]


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
            "count_label": str(p.count_label),
        }
        for p in _panels
        if can(user, p.action)
    ]


@checks.register(checks.Tags.urls)
def check_routes_exist(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:  # noqa: ARG001 - Django's check signature
    """Returns an error for each registered home panel whose route does not exist."""
    from django.urls import NoReverseMatch, reverse

    errors: list[checks.CheckMessage] = []
    for entry in _panels:
        try:
            reverse(entry.url_name)
        except NoReverseMatch:
            errors.append(
                checks.Error(
                    f"Home panel {str(entry.title)!r} links to the route {entry.url_name!r}, which does not exist.",
                    hint="Add the route to the package's urls.py, or register it under an existing route name.",
                    id="upstream.E001",
                )
            )
    return errors
