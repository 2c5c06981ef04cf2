"""The kinds of record that can be translated, and which of their fields.

A kind is keyed by its model's label ("directory.service"). The directory's services and organisations are
registered here; a guide model, when the directory has one, is found by name and its text fields are taken,
so guides plug in without this package changing. Another package may also call ``register`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    """One kind of translatable record."""

    key: str  # the model label, "directory.service"
    label: str | Promise
    fields: tuple[tuple[str, str | Promise], ...]  # (field name, label), in the order a page shows them
    title_field: str = "name"
    public_url: Callable[[Any], str] | None = None
    records: Callable[[], QuerySet[Any]] | None = None  # the records worth translating (active services …)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> type[models.Model]:
        """Returns the model class."""
        return apps.get_model(self.key)

    def queryset(self) -> QuerySet[Any]:
        """Returns the records of this kind that can be translated."""
        return self.records() if self.records else self.model._default_manager.all()

    def field_names(self) -> list[str]:
        """Returns the translatable field names."""
        return [name for name, _label in self.fields]

    def field_label(self, name: str) -> str:
        """Returns a field's label."""
        return str(dict(self.fields).get(name, name))

    def title(self, record: Any) -> str:
        """Returns the record's name as the staff pages show it."""
        return str(getattr(record, self.title_field, "") or record.pk)

    def url_for(self, record: Any) -> str:
        """Returns the record's public page, or an empty string."""
        if self.public_url is None:
            return ""
        try:
            return self.public_url(record)
        except NoReverseMatch:
            return ""


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Makes a kind of record translatable."""
    _kinds[kind.key] = kind


def kinds() -> list[Kind]:
    """Returns every translatable kind, in the order they were registered."""
    return list(_kinds.values())


def get(key: str) -> Kind | None:
    """Returns the kind for a model label, or None."""
    return _kinds.get(key)


def for_record(record: Any) -> Kind | None:
    """Returns the kind a record belongs to, or None."""
    return _kinds.get(record._meta.label_lower)


GUIDE_TEXT_FIELDS = (
    ("title", _("Title")),
    ("name", _("Name")),
    ("summary", _("Summary")),
    ("description", _("Description")),
    ("body", _("Text")),
)


def register_defaults() -> None:
    """Registers the directory's services and organisations, and its guides when the model exists."""
    if not apps.is_installed("upstream.directory"):
        return
    from upstream.directory.models import Organization, Service, ServiceStatus

    register(
        Kind(
            key="directory.service",
            label=_("Service"),
            fields=(
                ("name", _("Name")),
                ("alternate_name", _("Other name")),
                ("description", _("Description")),
                ("application_process", _("What to do")),
                ("eligibility_description", _("Eligibility")),
                ("fees_description", _("Cost")),
                ("wait_time", _("Waiting time")),
                ("alert", _("Alert")),
            ),
            public_url=lambda s: reverse("directory:service", args=[s.pk]),
            records=lambda: Service.objects.exclude(status=ServiceStatus.DEFUNCT).order_by("name", "pk"),
        )
    )
    register(
        Kind(
            key="directory.organization",
            label=_("Organisation"),
            fields=(("name", _("Name")), ("alternate_name", _("Other name")), ("description", _("Description"))),
            records=lambda: Organization.objects.order_by("name", "pk"),
        )
    )
    guide = apps.all_models.get("directory", {}).get("guide")
    if guide is not None:
        names = {f.name for f in guide._meta.get_fields() if isinstance(f, (models.CharField, models.TextField))}
        fields = tuple((name, label) for name, label in GUIDE_TEXT_FIELDS if name in names)
        if fields:
            title = fields[0][0]

            def guide_url(record: Any) -> str:
                slug = getattr(record, "slug", None)
                return reverse("directory:guide", args=[slug or record.pk])

            register(
                Kind(key="directory.guide", label=_("Guide"), fields=fields, title_field=title, public_url=guide_url)
            )
