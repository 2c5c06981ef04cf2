"""Every read of translations: what the public sees, and the staff pages' overviews."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator

from upstream.core.policy import require, scoped
from upstream.translation import languages, policies, registry
from upstream.translation.models import MachineJob, Status, TargetLanguage, Translation
from upstream.translation.registry import Kind

PER_PAGE = 50


def _content_type(record_or_model: Any) -> ContentType:
    return ContentType.objects.get_for_model(record_or_model, for_concrete_model=False)


def current_text(record: Any, field_name: str) -> str:
    """Returns a record's own (original) text of a field."""
    value = getattr(record, field_name, "")
    return "" if value is None else str(value)


def published_for_record(record: Any, fields: Sequence[str], language: str) -> dict[str, str]:
    """Returns the published, up-to-date translations of some of a record's fields in a language (public)."""
    kind = registry.for_record(record)
    if kind is None:
        return {}
    wanted = [f for f in fields if f in kind.field_names()]
    rows = Translation.objects.filter(
        content_type=_content_type(record),
        object_id=str(record.pk),
        language=language,
        field__in=wanted,
        status=Status.PUBLISHED,
    ).values_list("field", "text", "source_text")
    # A translation of words that have since changed is out of date: the public sees the new original.
    return {name: text for name, text, source in rows if source == current_text(record, name) and text}


def published_for_records(records: Iterable[Any], fields: Sequence[str], language: str) -> dict[str, dict[str, str]]:
    """Returns {record id: {field: text}} of published, up-to-date translations, for a list page (public)."""
    records = list(records)
    if not records:
        return {}
    by_id = {str(r.pk): r for r in records}
    rows = Translation.objects.filter(
        content_type=_content_type(records[0]),
        object_id__in=list(by_id),
        language=language,
        field__in=list(fields),
        status=Status.PUBLISHED,
    ).values_list("object_id", "field", "text", "source_text")
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for object_id, name, text, source in rows:
        if source == current_text(by_id[object_id], name) and text:
            found[object_id][name] = text
    return dict(found)


@dataclass(frozen=True)
class LanguageChoice:
    """A language staff can translate into."""

    code: str
    english: str
    native: str
    configured: bool  # named by the settings (cannot be removed here)


def target_languages() -> list[LanguageChoice]:
    """Returns the languages records may be translated into: the settings' (Welsh) first, then those added."""
    configured = languages.configured()
    added = [c for c in TargetLanguage.objects.values_list("code", flat=True) if c not in configured]
    return [
        LanguageChoice(code, languages.english_name(code), languages.native_name(code), code in configured)
        for code in [*configured, *sorted(added)]
    ]


def is_target_language(code: str) -> bool:
    """Returns whether records may be translated into the language."""
    return any(choice.code == code for choice in target_languages())


def waiting_for_review_count(actor: Any) -> int | None:
    """Returns how many translated fields wait for a review (for the home page)."""
    return scoped(actor, policies.TRANSLATION_REVIEW, Translation.objects.filter(status=Status.DRAFT)).count()


@dataclass
class RecordRow:
    """One record in the overview: how many of its fields are translated, and how far."""

    kind: Kind
    record: Any
    fields_with_text: int
    counts: dict[str, int] = field(default_factory=dict)
    outdated: int = 0
    machine: int = 0

    @property
    def title(self) -> str:
        """Returns the record's name."""
        return self.kind.title(self.record)

    @property
    def missing(self) -> int:
        """Returns how many fields with words have no translation at all."""
        return max(0, self.fields_with_text - sum(self.counts.values()))


STATUS_FILTERS = ("missing", "draft", "reviewed", "published", "outdated")


def overview(
    actor: Any, *, kind: Kind, language: str, status: str = "", text: str = "", page: int = 1
) -> tuple[Page[RecordRow], dict[str, int]]:
    """Returns one page of a kind's records with their translation state in a language, and totals."""
    require(actor, policies.TRANSLATION_EDIT)
    records = kind.queryset()
    if text.strip():
        records = records.filter(**{f"{kind.title_field}__icontains": text.strip()[:100]})
    translations = scoped(
        actor,
        policies.TRANSLATION_EDIT,
        Translation.objects.filter(content_type=_content_type(kind.model), language=language),
    ).values_list("object_id", "field", "status", "source_text", "source")
    by_record: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for object_id, name, row_status, source_text, source in translations:
        by_record[object_id].append((name, row_status, source_text, source))
    rows: list[RecordRow] = []
    totals = dict.fromkeys(STATUS_FILTERS, 0)
    names = kind.field_names()
    for record in records.only("pk", *names):
        with_text = [n for n in names if current_text(record, n).strip()]
        row = RecordRow(kind=kind, record=record, fields_with_text=len(with_text))
        for name, row_status, source_text, source in by_record.get(str(record.pk), []):
            if name not in with_text:
                continue
            row.counts[row_status] = row.counts.get(row_status, 0) + 1
            row.machine += source == "machine"
            row.outdated += source_text != current_text(record, name)
        for key in ("draft", "reviewed", "published"):
            totals[key] += row.counts.get(key, 0)
        totals["missing"] += row.missing
        totals["outdated"] += row.outdated
        if _matches(row, status):
            rows.append(row)
    return Paginator(rows, PER_PAGE).get_page(page), totals


def _matches(row: RecordRow, status: str) -> bool:
    if not status:
        return True
    if status == "missing":
        return row.missing > 0
    if status == "outdated":
        return row.outdated > 0
    return row.counts.get(status, 0) > 0


@dataclass
class FieldRow:
    """One field of a record: its original words and its translation in one language, if any."""

    name: str
    label: str
    original: str
    translation: Translation | None

    @property
    def outdated(self) -> bool:
        """Returns whether the original changed after the translation was made."""
        return self.translation is not None and self.translation.source_text != self.original


def record_translations(actor: Any, *, kind: Kind, record: Any, language: str) -> list[FieldRow]:
    """Returns each translatable field of a record with its translation in the language."""
    require(actor, policies.TRANSLATION_EDIT)
    existing = {
        t.field: t
        for t in scoped(
            actor,
            policies.TRANSLATION_EDIT,
            Translation.objects.filter(
                content_type=_content_type(record), object_id=str(record.pk), language=language
            ).select_related("translated_by", "reviewed_by", "published_by"),
        )
    }
    return [FieldRow(name, str(label), current_text(record, name), existing.get(name)) for name, label in kind.fields]


def get_record(kind: Kind, object_id: str) -> Any | None:
    """Returns one translatable record of a kind, or None."""
    try:
        return kind.queryset().filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):  # a malformed id (not a UUID) is simply not found
        return None


def get_translation(actor: Any, pk: int) -> Translation | None:
    """Returns one translation, or None."""
    require(actor, policies.TRANSLATION_EDIT)
    return scoped(actor, policies.TRANSLATION_EDIT, Translation.objects.filter(pk=pk)).first()


def recent_jobs(actor: Any, limit: int = 5) -> list[MachineJob]:
    """Returns the latest machine-translation jobs."""
    require(actor, policies.TRANSLATION_EDIT)
    return list(scoped(actor, policies.TRANSLATION_EDIT, MachineJob.objects.select_related("requested_by"))[:limit])


def get_job(actor: Any, pk: int) -> MachineJob | None:
    """Returns one machine-translation job, or None."""
    require(actor, policies.TRANSLATION_EDIT)
    return scoped(actor, policies.TRANSLATION_EDIT, MachineJob.objects.filter(pk=pk)).first()


@dataclass(frozen=True)
class Coverage:
    """How much of one kind is translated into one language."""

    kind: Kind
    language: str
    records: int
    fields_with_text: int
    published: int
    reviewed: int
    draft: int


def coverage(actor: Any, language: str) -> list[Coverage]:
    """Returns, for each kind, how many fields are published, reviewed or draft in the language."""
    require(actor, policies.TRANSLATION_EDIT)
    result = []
    for kind in registry.kinds():
        page, totals = overview(actor, kind=kind, language=language)
        rows = page.paginator.object_list
        result.append(
            Coverage(
                kind=kind,
                language=language,
                records=len(rows),
                fields_with_text=sum(r.fields_with_text for r in rows),
                published=totals["published"],
                reviewed=totals["reviewed"],
                draft=totals["draft"],
            )
        )
    return result
