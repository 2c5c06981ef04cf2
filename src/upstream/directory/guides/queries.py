"""Every read of guides: the public sees published ones; the co-ordinator sees drafts too."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from upstream.core.policy import require, role_allows
from upstream.directory import policies
from upstream.directory.models import Guide, Service, ServiceStatus

RELATED_SERVICES = 10


def guides(*, actor: Any) -> QuerySet[Guide]:
    """Returns the guides the actor may read: published ones, and drafts for the co-ordinator."""
    require(actor, policies.GUIDE_VIEW)
    qs = Guide.objects.all()
    if not role_allows(actor, policies.GUIDE_EDIT):
        qs = qs.filter(status=Guide.Status.PUBLISHED)
    return qs.order_by("title")


def guide(*, actor: Any, slug: str) -> Guide | None:
    """Returns one guide by its web address, if the actor may read it."""
    return guides(actor=actor).filter(slug=slug).first()


def guide_services(record: Guide) -> list[Service]:
    """Returns the open services a guide points at: those linked to it, then others meeting its needs."""
    linked = list(record.services.exclude(status=ServiceStatus.DEFUNCT).select_related("organization"))
    if len(linked) >= RELATED_SERVICES or not record.need_categories:
        return linked[:RELATED_SERVICES]
    condition = Q()
    for need in record.need_categories:
        condition |= Q(filter_tokens__contains=f"|need:{need}|")
    more = (
        Service.objects.filter(condition, status=ServiceStatus.ACTIVE)
        .exclude(pk__in=[s.pk for s in linked])
        .select_related("organization")
        .order_by("-last_verified_at", "name")[: RELATED_SERVICES - len(linked)]
    )
    return linked + list(more)


def guides_for_service(service: Service) -> list[Guide]:
    """Returns the published guides linked to a service or to one of its needs."""
    # Guides are few (tens): reading them all is cheaper than a JSON lookup that differs by database.
    needs = set(service.need_categories or [])
    linked = set(Guide.services.through.objects.filter(service_id=service.pk).values_list("guide_id", flat=True))
    found = [
        g
        for g in Guide.objects.filter(status=Guide.Status.PUBLISHED).order_by("title")
        if g.pk in linked or needs & set(g.need_categories or [])
    ]
    return found[:5]
