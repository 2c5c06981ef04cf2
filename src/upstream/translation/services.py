"""Every write to translations: add a language, save, review, publish, withdraw, and machine drafts.

Each act checks the policy, runs in one transaction and writes an audit event. The rules that keep the
public side honest are here: a translation is published only after a person reviewed it (machine drafts
included: the database refuses a published row with no reviewer), nobody reviews their own words, and a
translation whose original has changed since cannot be reviewed or published until it is brought up to date.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from upstream.core import audit
from upstream.core.localised import record_language
from upstream.core.policy import require
from upstream.translation import languages, policies, registry
from upstream.translation.models import JobStatus, MachineJob, Source, Status, TargetLanguage, Translation
from upstream.translation.providers.base import ProviderError, TranslationProvider, get_provider
from upstream.translation.queries import current_text, is_target_language
from upstream.translation.registry import Kind

MAX_TEXT = 20_000  # longer than any field a record has; bounds what a form can store
MAX_JOB_RECORDS = 5_000


class TranslationRefused(ValueError):  # noqa: N818 - reads as the reason
    """The act is not allowed as asked; the message says why and what to do."""


def _detail(translation: Translation, **extra: Any) -> dict[str, Any]:
    return {
        "record": f"{translation.content_type.app_label}.{translation.content_type.model}:{translation.object_id}",
        "field": translation.field,
        "language": translation.language,
        "source": translation.source,
        "status": translation.status,
        **extra,
    }


def add_language(*, actor: Any, code: str) -> TargetLanguage:
    """Adds a language records may be translated into (an ISO 639 code)."""
    require(actor, policies.LANGUAGE_ADD)
    try:
        normal = languages.normalise(code)
    except languages.InvalidLanguage as error:
        raise TranslationRefused(
            _("%(code)s is not an ISO 639 language code. Use a two- or three-letter code such as pl, so or fil.")
            % {"code": code}
        ) from error
    with transaction.atomic():
        language, created = TargetLanguage.objects.get_or_create(code=normal, defaults={"added_by": actor})
        if created:
            audit.record(
                actor=actor,
                tag=audit.AuditTag.TRANSLATION_LANGUAGE_ADD,
                object_type="translation.targetlanguage",
                object_id=normal,
                detail={"code": normal, "name": languages.english_name(normal)},
            )
    return language


def _check_target(kind: Kind, record: Any, field: str, language: str) -> None:
    if field not in kind.field_names():
        raise TranslationRefused(_("%(field)s is not a field that can be translated.") % {"field": field})
    if not is_target_language(language):
        raise TranslationRefused(
            _("%(language)s is not one of the languages records are translated into.") % {"language": language}
        )
    if registry.for_record(record) is not kind:
        raise TranslationRefused(_("That record is not of the kind named."))


def save_translation(*, actor: Any, kind: Kind, record: Any, field: str, language: str, text: str) -> Translation:
    """Saves a person's translation of one field as a draft (a changed text needs a new review)."""
    require(actor, policies.TRANSLATION_EDIT)
    _check_target(kind, record, field, language)
    text = (text or "").strip()
    if not text:
        raise TranslationRefused(_("Enter the translation."))
    if len(text) > MAX_TEXT:
        raise TranslationRefused(_("The translation must be %(count)d characters or fewer.") % {"count": MAX_TEXT})
    original = current_text(record, field)
    with transaction.atomic():
        translation = (
            Translation.objects.select_for_update()
            .filter(
                content_type=ContentType.objects.get_for_model(record),
                object_id=str(record.pk),
                field=field,
                language=language,
            )
            .first()
        )
        previous_status = translation.status if translation else None
        if translation is not None and translation.text == text and translation.source_text == original:
            return translation  # nothing changed: no new review needed, nothing to audit
        if translation is None:
            translation = Translation(
                content_type=ContentType.objects.get_for_model(record),
                object_id=str(record.pk),
                field=field,
                language=language,
            )
        translation.text = text
        translation.source_text = original
        # The words are now this person's, whether they wrote them or corrected a machine's.
        translation.source = Source.HUMAN
        translation.provider = ""
        translation.translated_by = actor
        translation.status = Status.DRAFT
        translation.reviewed_by = None
        translation.reviewed_at = None
        translation.published_by = None
        translation.published_at = None
        translation.updated_at = timezone.now()
        translation.save()
        audit.record(
            actor=actor,
            tag=audit.AuditTag.TRANSLATION_TEXT_SAVE,
            obj=translation,
            detail=_detail(translation, previous_status=previous_status, characters=len(text)),
        )
    return translation


def _locked(translation: Translation) -> Translation:
    return Translation.objects.select_for_update().select_related("content_type").get(pk=translation.pk)


def _original_of(translation: Translation) -> str | None:
    model = translation.content_type.model_class()
    record = model._default_manager.filter(pk=translation.object_id).first() if model else None
    return None if record is None else current_text(record, translation.field)


def review(*, actor: Any, translation: Translation) -> Translation:
    """Marks a draft as checked by a person (who did not write it)."""
    require(actor, policies.TRANSLATION_REVIEW, translation)
    with transaction.atomic():
        row = _locked(translation)
        if row.status != Status.DRAFT:
            raise TranslationRefused(_("Only a draft can be reviewed."))
        if row.source == Source.HUMAN and row.translated_by_id is not None and row.translated_by_id == actor.pk:
            raise TranslationRefused(_("Someone other than the translator must review a translation."))
        if _original_of(row) != row.source_text:
            raise TranslationRefused(
                _("The original has changed since this was translated: update the translation first.")
            )
        row.status = Status.REVIEWED
        row.reviewed_by = actor
        row.reviewed_at = timezone.now()
        row.updated_at = row.reviewed_at
        row.save()
        audit.record(actor=actor, tag=audit.AuditTag.TRANSLATION_TEXT_REVIEW, obj=row, detail=_detail(row))
    return row


def publish(*, actor: Any, translation: Translation) -> Translation:
    """Shows a reviewed translation to the public."""
    require(actor, policies.TRANSLATION_PUBLISH, translation)
    with transaction.atomic():
        row = _locked(translation)
        if row.status != Status.REVIEWED or row.reviewed_by_id is None:
            # Machine output in particular never reaches the public without a person's review.
            raise TranslationRefused(_("Only a reviewed translation can be published: review it first."))
        if _original_of(row) != row.source_text:
            raise TranslationRefused(
                _("The original has changed since this was translated: update the translation first.")
            )
        row.status = Status.PUBLISHED
        row.published_by = actor
        row.published_at = timezone.now()
        row.updated_at = row.published_at
        row.save()
        audit.record(actor=actor, tag=audit.AuditTag.TRANSLATION_TEXT_PUBLISH, obj=row, detail=_detail(row))
    return row


def unpublish(*, actor: Any, translation: Translation) -> Translation:
    """Takes a published translation off the public pages (it stays, reviewed, to be corrected)."""
    require(actor, policies.TRANSLATION_PUBLISH, translation)
    with transaction.atomic():
        row = _locked(translation)
        if row.status != Status.PUBLISHED:
            raise TranslationRefused(_("Only a published translation can be withdrawn."))
        row.status = Status.REVIEWED
        row.published_by = None
        row.published_at = None
        row.updated_at = timezone.now()
        row.save()
        audit.record(actor=actor, tag=audit.AuditTag.TRANSLATION_TEXT_UNPUBLISH, obj=row, detail=_detail(row))
    return row


def publish_reviewed(*, actor: Any, kind: Kind, record: Any, language: str) -> int:
    """Publishes every reviewed, up-to-date translation of one record in a language; returns how many."""
    require(actor, policies.TRANSLATION_PUBLISH)
    published = 0
    rows = Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        language=language,
        status=Status.REVIEWED,
    )
    for row in rows:
        if row.source_text == current_text(record, row.field) and row.field in kind.field_names():
            publish(actor=actor, translation=row)
            published += 1
    return published


# --- machine drafts ----------------------------------------------------------------------------------------


def request_machine_drafts(
    *, actor: Any, kind: Kind, object_ids: list[str], language: str, provider: TranslationProvider | None = None
) -> MachineJob:
    """Queues a background job asking the machine-translation service for drafts of the records' fields."""
    from upstream.translation import tasks

    require(actor, policies.MACHINE_REQUEST)
    provider = provider or get_provider()
    if not provider.available:
        raise TranslationRefused(provider.describe())
    if not is_target_language(language):
        raise TranslationRefused(
            _("%(language)s is not one of the languages records are translated into.") % {"language": language}
        )
    ids = [str(i) for i in dict.fromkeys(object_ids)]
    if not ids:
        raise TranslationRefused(_("Choose at least one record to translate."))
    if len(ids) > MAX_JOB_RECORDS:
        raise TranslationRefused(_("Ask for at most %(count)d records at a time.") % {"count": MAX_JOB_RECORDS})
    with transaction.atomic():
        job = MachineJob.objects.create(
            requested_by=actor,
            content_type=ContentType.objects.get_for_model(kind.model),
            object_ids=ids,
            language=language,
            total=len(ids),
        )
        audit.record(
            actor=actor,
            tag=audit.AuditTag.TRANSLATION_MACHINE_REQUEST,
            obj=job,
            recipient=getattr(provider, "url", provider.name),
            detail={"kind": kind.key, "records": len(ids), "language": language},
        )
        # With the database backend the task row is written in this transaction: no job without its task.
        tasks.machine_translate.enqueue(job.pk)
    return job


def run_machine_job(job_id: int, *, provider: TranslationProvider | None = None) -> MachineJob:
    """Drafts each record's fields by machine, record by record, keeping the job's progress up to date."""
    job = MachineJob.objects.select_related("content_type", "requested_by").get(pk=job_id)
    if job.status in {JobStatus.FINISHED, JobStatus.FAILED}:
        return job
    kind = registry.get(f"{job.content_type.app_label}.{job.content_type.model}")
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        _draft_records(job, kind, provider)
    except ProviderError as error:
        job.status = JobStatus.FAILED
        job.error = str(error)
    else:
        job.status = JobStatus.FINISHED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job


def _draft_records(job: MachineJob, kind: Kind | None, provider: TranslationProvider | None) -> None:
    """Drafts the job's records one after another, saving the progress after each."""
    if kind is None:
        raise ProviderError(f"Records of type {job.content_type} can no longer be translated.")
    provider = provider or get_provider()
    records = kind.queryset().in_bulk(list(job.object_ids))
    by_text = {str(pk): record for pk, record in records.items()}
    for object_id in job.object_ids:
        record = by_text.get(str(object_id))
        if record is not None:
            drafted, skipped = _draft_record(job, kind, record, provider)
            job.fields_drafted += drafted
            job.fields_skipped += skipped
        job.done += 1
        job.save(update_fields=["done", "fields_drafted", "fields_skipped"])


def _draft_record(job: MachineJob, kind: Kind, record: Any, provider: TranslationProvider) -> tuple[int, int]:
    """Drafts one record's fields; never over a person's words or a current reviewed or published one."""
    content_type = ContentType.objects.get_for_model(record)
    existing = {
        t.field: t
        for t in Translation.objects.filter(content_type=content_type, object_id=str(record.pk), language=job.language)
    }
    wanted: list[tuple[str, str]] = []
    skipped = 0
    for name in kind.field_names():
        original = current_text(record, name)
        if not original.strip():
            continue
        row = existing.get(name)
        up_to_date = row is not None and row.source_text == original
        if row is not None and (row.source == Source.HUMAN or up_to_date):
            skipped += 1
            continue
        wanted.append((name, original))
    source = record_language(record)
    if source == job.language:
        return 0, len(wanted) + skipped  # already written in that language
    # Ask the service first, outside the transaction: a slow answer must not hold database locks.
    translated = [
        (name, original, provider.translate(original, source=source, target=job.language)) for name, original in wanted
    ]
    if not translated:
        return 0, skipped
    with transaction.atomic():
        now = timezone.now()
        for name, original, text in translated:
            Translation.objects.update_or_create(
                content_type=content_type,
                object_id=str(record.pk),
                field=name,
                language=job.language,
                defaults={
                    "text": text,
                    "source_text": original,
                    "source": Source.MACHINE,
                    "provider": provider.name,
                    "status": Status.DRAFT,
                    "translated_by": None,
                    "reviewed_by": None,
                    "reviewed_at": None,
                    "published_by": None,
                    "published_at": None,
                    "updated_at": now,
                },
            )
        audit.record(
            actor=job.requested_by,
            tag=audit.AuditTag.TRANSLATION_TEXT_MACHINE_DRAFT,
            object_type=kind.key,
            object_id=str(record.pk),
            actor_label="machine translation",
            detail={"job": job.pk, "language": job.language, "fields": [n for n, _o, _t in translated]},
        )
    return len(translated), skipped
