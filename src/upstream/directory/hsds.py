"""HSDS 3.0 documents <-> directory tables: one description of each object serves import, export and the API.

Each HSDS object names its model, the nested objects it owns (``children``: the child's foreign key is set
to the parent) and the one-to-one objects it points at (``parents``: imported first, then linked). Attribute
and metadata lists may hang from any object; they point back by ``link_id`` / ``resource_id``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils import timezone

from upstream.directory import models as m

PROFILE_PATH = Path(__file__).parent / "profile" / "upstream-pathways.json"
PROFILE_URI = "https://upstream.police.uk/hsds/profile/upstream-pathways/1.0"


@dataclass(frozen=True)
class Spec:
    """How one HSDS object maps to its table."""

    model: type[models.Model]
    children: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (kind, child's FK attname)
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (kind, our FK attname)
    required: tuple[str, ...] = ()
    renamed: dict[str, str] = field(default_factory=dict)  # HSDS key -> model attname
    private: tuple[str, ...] = ()  # our columns that are never published


SPECS: dict[str, Spec] = {
    "taxonomy": Spec(m.Taxonomy, required=("name",)),
    "taxonomy_term": Spec(
        m.TaxonomyTerm,
        parents={"taxonomy_detail": ("taxonomy", "taxonomy_detail_id")},
        renamed={"taxonomy_id": "taxonomy_detail_id"},
        required=("name",),
    ),
    "organization": Spec(
        m.Organization,
        children={
            "funding": ("funding", "organization_id"),
            "contacts": ("contact", "organization_id"),
            "phones": ("phone", "organization_id"),
            "locations": ("location", "organization_id"),
            "programs": ("program", "organization_id"),
            "organization_identifiers": ("organization_identifier", "organization_id"),
        },
        required=("name",),
        private=("last_modified",),  # HSDS organizations carry no modification time
    ),
    "program": Spec(m.Program, required=("name",)),
    "organization_identifier": Spec(m.OrganizationIdentifier, required=("identifier_type", "identifier")),
    "funding": Spec(m.Funding),
    "service": Spec(
        m.Service,
        children={
            "phones": ("phone", "service_id"),
            "schedules": ("schedule", "service_id"),
            "service_areas": ("service_area", "service_id"),
            "service_at_locations": ("service_at_location", "service_id"),
            "languages": ("language", "service_id"),
            "funding": ("funding", "service_id"),
            "cost_options": ("cost_option", "service_id"),
            "required_documents": ("required_document", "service_id"),
            "contacts": ("contact", "service_id"),
        },
        parents={"organization": ("organization", "organization_id"), "program": ("program", "program_id")},
        required=("name",),
        private=("filter_tokens", "is_free", "opening_rules"),
    ),
    "service_at_location": Spec(
        m.ServiceAtLocation,
        children={
            "contacts": ("contact", "service_at_location_id"),
            "phones": ("phone", "service_at_location_id"),
            "schedules": ("schedule", "service_at_location_id"),
        },
        parents={"location": ("location", "location_id"), "service": ("service", "service_id")},
    ),
    "location": Spec(
        m.Location,
        children={
            "languages": ("language", "location_id"),
            "addresses": ("address", "location_id"),
            "contacts": ("contact", "location_id"),
            "accessibility": ("accessibility", "location_id"),
            "phones": ("phone", "location_id"),
            "schedules": ("schedule", "location_id"),
        },
        private=("area",),
    ),
    "address": Spec(m.Address, required=("address_1",)),
    "contact": Spec(m.Contact, children={"phones": ("phone", "contact_id")}),
    "phone": Spec(m.Phone, children={"languages": ("language", "phone_id")}, required=("number",)),
    "schedule": Spec(m.Schedule),
    "service_area": Spec(m.ServiceArea, private=("area",)),
    "language": Spec(m.Language),
    "accessibility": Spec(m.Accessibility),
    "cost_option": Spec(m.CostOption),
    "required_document": Spec(m.RequiredDocument),
    "attribute": Spec(m.Attribute, parents={"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")}),
    "metadata": Spec(m.Metadata),
}

# Records that carry no attributes or metadata lists in HSDS.
NO_ATTRIBUTES = {"attribute", "metadata", "taxonomy", "taxonomy_term"}
NO_METADATA = {"metadata"}
SHALLOW_PARENTS = {"organization", "service", "program"}
ALWAYS_PRESENT = {"metadata": ("field_name", "previous_value", "replacement_value", "updated_by", "last_action_type")}

ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("service", "status"): ("active", "inactive", "defunct", "temporarily closed"),
    ("location", "location_type"): ("physical", "postal", "virtual"),
    ("address", "address_type"): ("physical", "postal", "virtual"),
    ("schedule", "freq"): ("WEEKLY", "MONTHLY"),
    ("schedule", "wkst"): ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
}

BYDAY = re.compile(r"^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


MAX_TEXT = 20_000
OLDEST_AGE = 130
MAX_LATITUDE, MAX_LONGITUDE = 90, 180
LAST_HOUR, LAST_MINUTE = 23, 59


class RecordError(ValueError):
    """A record that cannot be stored, with the reason in words a data manager can act on."""


def profile() -> dict[str, Any]:
    """Returns the Upstream Pathways profile document (our fields beyond HSDS 3.0)."""
    return json.loads(PROFILE_PATH.read_text(encoding="utf-8"))


def profile_fields(kind: str) -> set[str]:
    """Returns the names of the profile's extra fields on one HSDS object."""
    return set(profile()["objects"].get(kind, {}).get("properties", {}))


def _field_map(kind: str) -> dict[str, models.Field]:
    """Returns HSDS scalar key -> model field, for one object."""
    spec = SPECS[kind]
    back = {attname: key for key, attname in spec.renamed.items()}
    out: dict[str, models.Field] = {}
    for f in spec.model._meta.concrete_fields:
        if f.name == "id" or f.name in spec.private:
            continue
        key = back.get(f.attname, f.attname)
        out[key] = f
    return out


FIELD_MAPS = {kind: _field_map(kind) for kind in SPECS}


# ---------------------------------------------------------------- reading values


def parse_uuid(value: Any, what: str) -> uuid.UUID:
    """Returns the value as a UUID, or says which id is not one."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise RecordError(f"{what} {str(value)[:60]!r} is not a UUID") from None


def parse_time(value: str, what: str) -> dt.time:
    """Returns an HH:MM[:SS][zone] time (the zone is dropped: the directory keeps UK local time)."""
    match = TIME.match(str(value).strip())
    if not match:
        raise RecordError(f"{what} {str(value)[:30]!r} is not a time like 09:30")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == LAST_HOUR + 1 and minute == 0:  # "24:00" is the end of the day
        return dt.time(23, 59, 59)
    if hour > LAST_HOUR or minute > LAST_MINUTE or second > LAST_MINUTE:
        raise RecordError(f"{what} {value!r} is not a time of day")
    return dt.time(hour, minute, second)


def _convert(kind: str, key: str, f: models.Field, value: Any) -> Any:  # noqa: C901, PLR0911, PLR0912 - one branch per field type reads best as a table
    what = f"{kind}.{key}"
    if value is None or value == "":
        return None if f.null else ([] if isinstance(f, models.JSONField) else ("" if not f.is_relation else None))
    if isinstance(f, (models.ForeignKey, models.UUIDField)):
        return parse_uuid(value, what)
    if isinstance(f, models.BooleanField):
        if isinstance(value, bool):
            return value
        if str(value).lower() in {"true", "1", "yes"}:
            return True
        if str(value).lower() in {"false", "0", "no"}:
            return False
        raise RecordError(f"{what} {value!r} is not true or false")
    if isinstance(f, (models.IntegerField, models.PositiveIntegerField)):
        number = _number(value, what)
        if number != int(number):
            raise RecordError(f"{what} {value!r} is not a whole number")
        return int(number)
    if isinstance(f, models.FloatField):
        return _number(value, what)
    if isinstance(f, models.DateTimeField):
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise RecordError(f"{what} {str(value)[:40]!r} is not a date and time") from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)
    if isinstance(f, models.DateField):
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            raise RecordError(f"{what} {str(value)[:40]!r} is not a date like 2025-01-31") from None
    if isinstance(f, models.TimeField):
        return parse_time(value, what)
    if isinstance(f, models.JSONField):
        items = value if isinstance(value, list) else [v.strip() for v in str(value).split(",") if v.strip()]
        if not all(isinstance(v, str) for v in items):
            raise RecordError(f"{what} must be a list of words")
        return items
    if isinstance(value, (dict, list)):
        raise RecordError(f"{what} must be text, not a {type(value).__name__}")
    text = str(value)
    if len(text) > MAX_TEXT:
        raise RecordError(f"{what} is longer than {MAX_TEXT:,} characters")
    enum = ENUMS.get((kind, key))
    if enum and text not in enum:
        raise RecordError(f"{what} {text[:40]!r} is not one of {', '.join(enum)}")
    return text


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise RecordError(f"{what} {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecordError(f"{what} {str(value)[:30]!r} is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise RecordError(f"{what} is not a number")
    return number


# ---------------------------------------------------------------- rules beyond types


def check_record(kind: str, values: dict[str, Any], warnings: list[str], record_id: uuid.UUID) -> None:
    """Refuses values that type-check but cannot be true (ages, schedules, coordinates)."""
    if kind == "service":
        low, high = values.get("minimum_age"), values.get("maximum_age")
        for name, age in (("minimum_age", low), ("maximum_age", high)):
            if age is not None and not 0 <= age <= OLDEST_AGE:
                raise RecordError(f"service.{name} {age:g} is not an age between 0 and {OLDEST_AGE}")
        if low is not None and high is not None and low > high:
            raise RecordError(f"service.minimum_age {low:g} is above maximum_age {high:g}")
        if values.get("eligibility_sex") not in (None, "", "female", "male"):
            raise RecordError("service.eligibility_sex must be female, male or empty")
    if kind == "schedule":
        check_schedule(values)
    if kind == "location":
        lat, lon = values.get("latitude"), values.get("longitude")
        if (lat is not None and abs(lat) > MAX_LATITUDE) or (lon is not None and abs(lon) > MAX_LONGITUDE):
            # Kept, so the rest of the record is not lost, but without the impossible point.
            warnings.append(f"location {record_id}: coordinates {lat}, {lon} are off the globe; not stored")
            values["latitude"] = values["longitude"] = None


def check_schedule(values: dict[str, Any]) -> None:
    """Refuses a schedule whose rule cannot be evaluated."""
    for day in filter(None, (values.get("byday") or "").split(",")):
        if not BYDAY.match(day.strip().upper()):
            raise RecordError(f"schedule.byday {day!r} is not a day like MO, TU or 1FR")
    for key in ("bymonthday", "byyearday", "byweekno"):
        for part in filter(None, str(values.get(key) or "").split(",")):
            if not re.fullmatch(r"\s*-?\d{1,3}\s*", part):
                raise RecordError(f"schedule.{key} {part!r} is not a number")
    interval = values.get("interval")
    if interval is not None and interval < 1:
        raise RecordError("schedule.interval must be 1 or more")
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and start > end:
        raise RecordError(f"schedule.valid_from {start} is after valid_to {end}")
    if bool(values.get("opens_at")) != bool(values.get("closes_at")) and not values.get("closed"):
        raise RecordError("schedule has an opening time without a closing time (or the other way round)")


# ---------------------------------------------------------------- import


@dataclass
class ImportContext:
    """What one import has touched and noticed."""

    warnings: list[str] = field(default_factory=list)
    services: set[uuid.UUID] = field(default_factory=set)
    actor_name: str = "import"


def upsert(kind: str, doc: Any, links: dict[str, Any], ctx: ImportContext) -> models.Model:  # noqa: C901, PLR0912 - the steps of one record, in order
    """Stores one HSDS object and everything nested in it; returns the stored record."""
    spec = SPECS[kind]
    if not isinstance(doc, dict):
        raise RecordError(f"a {kind} must be a JSON object, not {type(doc).__name__}")
    record_id = parse_uuid(doc.get("id"), f"{kind}.id")
    links = dict(links)
    # One-to-one objects first, so this record can point at them.
    for key, (parent_kind, attname) in spec.parents.items():
        if isinstance(doc.get(key), dict):
            parent = upsert(parent_kind, doc[key], {}, ctx)
            links.setdefault(attname, parent.pk)
    values: dict[str, Any] = {}
    fields = FIELD_MAPS[kind]
    for key, f in fields.items():
        if key in doc and f.attname not in links:
            values[f.attname] = _convert(kind, key, f, doc[key])
    values.update(links)
    # A foreign key given in the document but pointing at nothing we hold is dropped, not fatal.
    for f in spec.model._meta.concrete_fields:
        linked = f.is_relation and values.get(f.attname) is not None and f.attname not in links
        if linked and not f.related_model._default_manager.filter(pk=values[f.attname]).exists():
            ctx.warnings.append(
                f"{kind} {record_id}: {f.attname} {values[f.attname]} is not in the directory; unlinked"
            )
            values[f.attname] = None
    check_record(kind, values, ctx.warnings, record_id)
    if kind == "location" and values.get("latitude") is not None and values.get("longitude") is not None:
        # Ours, not HSDS: the neighbourhood the place is in, when boundaries are loaded (places app).
        from upstream.places.lookup import find_neighbourhood

        area = find_neighbourhood(values["latitude"], values["longitude"])
        values["area_id"] = area.pk if area else None
    existing = spec.model._default_manager.filter(pk=record_id).first()
    if existing is None:
        for key in spec.required:
            attname = fields[key].attname
            if not values.get(attname):
                raise RecordError(f"{kind} {record_id} has no {key}")
        record = spec.model(id=record_id, **values)
        record.full_clean(validate_unique=False, validate_constraints=False, exclude=_unchecked(spec.model))
        record.save(force_insert=True)
    else:
        for attname, value in values.items():
            setattr(existing, attname, value)
        record = existing
        record.save()
    if kind == "service":
        ctx.services.add(record_id)
    if kind in {"service_at_location", "schedule", "phone", "language", "cost_option"}:
        service_id = getattr(record, "service_id", None)
        if service_id:
            ctx.services.add(service_id)
    for key, (child_kind, attname) in spec.children.items():
        for child in _list(doc, key, kind):
            upsert(child_kind, child, {attname: record_id}, ctx)
    if kind == "organization":  # organization_full nests its services, outside the schema
        for child in _list(doc, "services", kind):
            upsert("service", child, {"organization_id": record_id}, ctx)
    if kind == "service_at_location" and isinstance(doc.get("service"), dict):
        ctx.services.add(values.get("service_id") or record_id)
    if kind not in NO_ATTRIBUTES:
        for child in _list(doc, "attributes", kind):
            upsert("attribute", child, {"link_id": record_id, "link_entity": kind}, ctx)
    if kind not in NO_METADATA:
        for child in _list(doc, "metadata", kind):
            upsert("metadata", child, {"resource_id": record_id, "resource_type": kind}, ctx)
    return record


def _unchecked(model: type[models.Model]) -> list[str]:
    # Foreign keys were checked above; blank text is allowed where HSDS allows it.
    return [f.name for f in model._meta.concrete_fields if f.is_relation or isinstance(f, models.TextField)]


def _list(doc: dict[str, Any], key: str, kind: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{kind}.{key} must be a list")
    return value


# ---------------------------------------------------------------- export


def _out(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def scalars(kind: str, record: models.Model) -> dict[str, Any]:
    """Returns the one-to-one fields of a record as HSDS, leaving out what is empty."""
    doc: dict[str, Any] = {"id": str(record.pk)}
    for key, f in FIELD_MAPS[kind].items():
        value = getattr(record, f.attname)
        if key in ALWAYS_PRESENT.get(kind, ()):
            doc[key] = _out(value) if value is not None else ""
            continue
        if value is None or value == "" or (isinstance(f, models.BooleanField) and value is False):
            continue
        if isinstance(f, models.JSONField) and not value:
            continue
        doc[key] = _out(value)
    return doc


def document(kind: str, record: models.Model, *, skip: frozenset[str] = frozenset(), depth: int = 0) -> dict[str, Any]:
    """Returns a record fully nested as HSDS: its children, and its one-to-one parents without theirs."""
    spec = SPECS[kind]
    doc = scalars(kind, record)
    for key, (parent_kind, attname) in spec.parents.items():
        if key in skip:
            continue
        target_id = getattr(record, attname)
        if target_id is not None:
            parent = SPECS[parent_kind].model._default_manager.filter(pk=target_id).first()
            if parent is not None:
                # Organisations and services come without their own lists; a location comes whole.
                shallow = frozenset(SPECS[parent_kind].children) if parent_kind in SHALLOW_PARENTS else frozenset()
                doc[key] = document(parent_kind, parent, skip=shallow, depth=depth + 1)
    for key, (child_kind, attname) in spec.children.items():
        if key in skip:
            continue
        rows = SPECS[child_kind].model._default_manager.filter(**{attname: record.pk}).order_by("pk")
        # A nested location does not repeat its services, to keep documents acyclic.
        child_skip = frozenset({"service"}) if child_kind == "service_at_location" else frozenset()
        doc[key] = [document(child_kind, row, skip=child_skip, depth=depth + 1) for row in rows]
    if kind not in NO_ATTRIBUTES:
        attributes = m.Attribute.objects.filter(link_id=record.pk).select_related("taxonomy_term").order_by("pk")
        doc["attributes"] = [document("attribute", a) for a in attributes]
    if kind not in NO_METADATA:
        doc["metadata"] = [
            scalars("metadata", x) for x in m.Metadata.objects.filter(resource_id=record.pk).order_by("pk")
        ]
    return doc
