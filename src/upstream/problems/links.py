"""Start a problem plan from this: the link other capabilities show on their pages, and what it carries.

Other packages never import problems. They ask core's link registry (``upstream.core.links``) for the links
of their record, and :func:`plan_links` (registered in ProblemsConfig.ready) answers for these kinds:

- ``places:area``: an area page; the record is a ``places.Area``.
- ``places:hotspot``, ``triggers:repeat-location``, ``triggers:repeat-victim``, ``triggers:repeat-offender``,
  ``triggers:repeat-list``: a row of a hotspot or repeat list; the record is a mapping (or an object with the
  same attributes) with ``area_code`` (an area's code, any level), and optionally ``title``, ``description``,
  ``evidence`` (what the list says: "Hotspot (Gi* z 3.1) in Avonmere Central, 2025-01 to 2025-06"),
  ``problem_type`` (one of ``ProblemType``) and ``source_kind`` (one of ``DataSourceKind``).

The link leads to ``/problems/new/`` with the source's details in the query string; the form shows them and
the new plan starts with its area, problem statement and a data source holding the evidence reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from upstream.core.links import Link
from upstream.core.policy import can
from upstream.problems import policies
from upstream.problems.models import DataSourceKind, ProblemType

# The kinds of record a plan can start from, and the data source kind the evidence is recorded as.
SOURCE_KINDS: dict[str, str] = {
    "places:area": DataSourceKind.POLICE_EVENTS,
    "places:hotspot": DataSourceKind.POLICE_EVENTS,
    "triggers:repeat-location": DataSourceKind.REPEAT_LOCATIONS,
    "triggers:repeat-victim": DataSourceKind.POLICE_EVENTS,
    "triggers:repeat-offender": DataSourceKind.POLICE_EVENTS,
    "triggers:repeat-list": DataSourceKind.REPEAT_LOCATIONS,
}
MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_EVIDENCE = 300


def _get(record: Any, name: str) -> str:
    value = record.get(name, "") if isinstance(record, Mapping) else getattr(record, name, "")
    return "" if value is None else str(value)


def start_plan_url(
    user: Any,
    *,
    area_code: str = "",
    title: str = "",
    description: str = "",
    evidence: str = "",
    problem_type: str = "",
    source_kind: str = "",
) -> str | None:
    """Returns the "start a plan" page pre-filled from a source, or None when the user may not start plans."""
    if not can(user, policies.PLAN_CREATE):
        return None
    query = {
        "from_area": area_code,
        "title": title[:MAX_TITLE],
        "description": description[:MAX_DESCRIPTION],
        "evidence": evidence[:MAX_EVIDENCE],
        "problem_type": problem_type if problem_type in ProblemType.values else "",
        "source_kind": source_kind if source_kind in DataSourceKind.values else "",
    }
    query = {k: v for k, v in query.items() if v}
    return reverse("problems:new") + (f"?{urlencode(query)}" if query else "")


_providers: dict[str, Any] = {}


def plan_links(kind: str) -> Any:
    """Returns the link provider for one kind of record (the same function each time, so it registers once)."""
    if kind in _providers:
        return _providers[kind]

    def provider(user: Any, record: Any) -> list[Link]:
        if kind == "places:area":
            area_code = _get(record, "code")
            title = ""
            evidence = ""
        else:
            area_code = _get(record, "area_code")
            title = _get(record, "title")
            evidence = _get(record, "evidence")
        href = start_plan_url(
            user,
            area_code=area_code,
            title=title,
            description=_get(record, "description"),
            evidence=evidence,
            problem_type=_get(record, "problem_type"),
            source_kind=_get(record, "source_kind") or SOURCE_KINDS[kind],
        )
        return [Link(_("Start a problem-solving plan from this"), href)] if href else []

    _providers[kind] = provider
    return provider


def register() -> None:
    """Registers the "start a plan" link for every kind of record it can start from."""
    from upstream.core import links

    for kind in SOURCE_KINDS:
        links.register(kind, plan_links(kind))
