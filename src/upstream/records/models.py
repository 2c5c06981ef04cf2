"""Clerical decisions on record linkage, and link runs started from the web or the command line.

The records themselves stay in the analytics store (Parquet, `upstream_analytics.records`); only what people
decided about them, and the runs that applied those decisions, live here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    """What a reviewer said about two person records (values are those linkage/decisions.py reads)."""

    MATCH = "match", _("The same person")
    NON_MATCH = "non_match", _("Not the same person")
    UNSURE = "unsure", _("Unsure")


class DecisionSource(models.TextChoices):
    """Where a decision was made."""

    REVIEW = "review", _("Clerical review queue")
    MANUAL = "manual", _("Person page")


class LinkDecision(models.Model):
    """One decision on a pair of person records. Never changed: a later decision on the pair supersedes it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    # The pair, smaller id first, so (a, b) and (b, a) are one pair.
    person_id_l = models.CharField(_("first person record"), max_length=100)
    person_id_r = models.CharField(_("second person record"), max_length=100)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    source = models.CharField(_("made in"), max_length=10, choices=DecisionSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    match_probability = models.FloatField(_("model's probability"), null=True, blank=True)
    resolved_person_id = models.CharField(_("resolved person"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_label = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["person_id_l", "person_id_r"]), models.Index(fields=["person_id_r"])]
        verbose_name = _("link decision")

    def __str__(self) -> str:
        return f"{self.person_id_l}–{self.person_id_r}: {self.decision}"


class RunStatus(models.TextChoices):
    """Where a link run is."""

    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class _BackgroundRun(models.Model):
    """What a link run and a web import share: where the background task is, who started it, and when."""

    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_active(self) -> bool:
        """Returns whether the task has not finished yet."""
        return self.status in {RunStatus.QUEUED, RunStatus.RUNNING}


class LinkRun(_BackgroundRun):
    """One run of `records link`, from the web (a background task) or the command line."""

    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    engine = models.CharField(_("engine"), max_length=10, default="duckdb")
    records = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    clerical_pairs = models.PositiveIntegerField(default=0)
    decisions_applied = models.PositiveIntegerField(default=0)

    class Meta(_BackgroundRun.Meta):
        verbose_name = _("link run")

    def __str__(self) -> str:
        return f"Link run {self.pk} ({self.status})"


class ImportRun(_BackgroundRun):
    """One import of a police records extract uploaded from the web, run as a background task.

    The uploaded files wait in their own folder under the data folder until the task has imported them into
    the records store (all or nothing); the folder is removed when the import ends, whatever its outcome.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    files = models.JSONField(_("files"), default=list)  # the extract's file names, e.g. ["events.csv", ...]
    upload_dir = models.CharField(max_length=500, blank=True)
    version = models.CharField(_("store version"), max_length=20, blank=True)
    tables = models.JSONField(_("counts"), default=dict)  # table -> read, rejected, new, updated, unchanged, total
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    changed = models.BooleanField(_("changed the store"), null=True, blank=True)

    class Meta(_BackgroundRun.Meta):
        verbose_name = _("records import")

    def __str__(self) -> str:
        return f"Records import {self.pk} ({self.status})"
