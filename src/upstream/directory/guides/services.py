"""Every write of guides: the co-ordinator saves one (its words, links and whether it is published)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.audit import AuditTag
from upstream.core.policy import require
from upstream.directory import policies
from upstream.directory.models import Guide, Service
from upstream.directory.vocab import NEED_CATEGORIES

GUIDE_TEXT_FIELDS = ("title", "summary", "body")  # the translatable fields, by name


class GuideError(ValueError):
    """A guide that cannot be saved, with what to change and which field it is about."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def save_guide(
    *,
    actor: Any,
    guide: Guide | None,
    title: str,
    slug: str,
    body: str,
    summary: str = "",
    need_categories: list[str] | None = None,
    service_ids: list[uuid.UUID] | None = None,
    status: str = Guide.Status.DRAFT,
) -> Guide:
    """Creates or changes a guide; its id never changes, so translations keep pointing at it."""
    require(actor, policies.GUIDE_EDIT)
    others = Guide.objects.filter(slug=slug)
    if guide is not None:
        others = others.exclude(pk=guide.pk)
    if others.exists():
        raise GuideError(_("Another guide already has that web address. Choose another."), "slug")
    unknown = [n for n in need_categories or [] if n not in NEED_CATEGORIES]
    if unknown:
        raise GuideError(_("Unknown need category: %(need)s") % {"need": ", ".join(unknown)}, "need_categories")
    ids = list(dict.fromkeys(service_ids or []))
    linked = list(Service.objects.filter(pk__in=ids))
    if len(linked) != len(ids):
        raise GuideError(_("One of the linked services does not exist. Check the addresses."), "services")
    with transaction.atomic():
        creating = guide is None
        guide = guide or Guide()
        changed = [
            name
            for name, value in (
                ("title", title),
                ("slug", slug),
                ("summary", summary),
                ("body", body),
                ("status", status),
            )
            if getattr(guide, name) != value
        ]
        guide.title, guide.slug, guide.summary, guide.body, guide.status = title, slug, summary, body, status
        guide.need_categories = list(need_categories or [])
        guide.updated_at = timezone.now()
        guide.updated_by = (actor.get_full_name() or actor.username)[:200]
        guide.save()
        guide.services.set(linked)
        audit.record(
            actor=actor,
            tag=AuditTag.DIRECTORY_GUIDE_SAVE,
            obj=guide,
            detail={"created": creating, "fields": changed, "services": len(linked)},
        )
    return guide
