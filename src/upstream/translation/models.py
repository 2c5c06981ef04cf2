"""Translations of records' own words, one row per record, field and language; and machine-translation jobs.

A translation points at any record by content type and id (services, organisations, guides …) and names
one field. Its ``source_text`` is the original it was made from, so a translation whose original has since
changed is known to be out of date and is not shown to the public.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Who wrote the words."""

    HUMAN = "human", _("Person")
    MACHINE = "machine", _("Machine")


class Status(models.TextChoices):
    """How far a translation has got; only published ones are shown to the public."""

    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


class TargetLanguage(models.Model):
    """A language records may be translated into, besides those the settings name (Welsh)."""

    code = models.CharField(_("language code"), max_length=12, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Translation(models.Model):
    """One field of one record in one language."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64)
    language = models.CharField(max_length=12)
    text = models.TextField(_("translation"))
    source_text = models.TextField(blank=True)  # the original the translation was made from
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.HUMAN)
    provider = models.CharField(max_length=60, blank=True)  # the machine service, for machine drafts
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="translation_one_per_field_language"
            ),
            # Machine output is never published unless a person reviewed it.
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(reviewed_by__isnull=False),
                name="translation_published_was_reviewed",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "language"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}:{self.field}:{self.language}"


class JobStatus(models.TextChoices):
    """Where a machine-translation job has got to."""

    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class MachineJob(models.Model):
    """A request for machine drafts of some records in one language, run in the background."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_ids = models.JSONField(default=list)
    language = models.CharField(max_length=12)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)  # records
    done = models.PositiveIntegerField(default=0)
    fields_drafted = models.PositiveIntegerField(default=0)
    fields_skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.language})"

    @property
    def percent(self) -> int:
        """Returns how much of the job is done, as a whole percentage."""
        return 100 if not self.total else round(100 * self.done / self.total)
