"""The trigger queue: runs of the rule set, the children they found, and the repeat and frequent demand lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    """Where a run of the rules is."""

    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class TriggerRun(models.Model):
    """One run of the rule set on the records store, started from the command line or the web."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="trigger_runs", verbose_name=_("organisation")
    )
    as_of = models.DateField(_("as of"))
    engine = models.CharField(_("engine"), max_length=10, default="duckdb")
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    rule_version = models.CharField(_("rule version"), max_length=50, blank=True)
    ruleset_ran = models.CharField(_("rule set that ran"), max_length=500, blank=True)
    ruleset_refused = models.TextField(_("rule set refused"), blank=True)
    message = models.TextField(_("message"), blank=True)
    referral_count = models.PositiveIntegerField(default=0)
    emerging_count = models.PositiveIntegerField(default=0)
    trigger_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    disparity = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("trigger run")

    def __str__(self) -> str:
        return f"Run {self.pk} as of {self.as_of:%Y-%m-%d} ({self.status})"

    @property
    def is_active(self) -> bool:
        """Returns whether the run has not finished yet."""
        return self.status in {RunStatus.QUEUED, RunStatus.RUNNING}


class Level(models.TextChoices):
    """How many ACE types the child's score reached, under the rule set's thresholds."""

    REFERRAL = "referral", _("4 or more ACEs")
    EMERGING = "emerging", _("Emerging (2 or 3 ACEs)")
    FLAGS_ONLY = "", _("Below the thresholds")


class TriggerStatus(models.TextChoices):
    """What has been decided about a trigger."""

    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed")
    ASSIGNED = "assigned", _("Assigned to a team")
    REFERRED = "referred", _("Referral made")
    DISMISSED = "dismissed", _("Dismissed")


class Trigger(models.Model):
    """A child the rules picked out: one per resolved person and organisation, updated by each run."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="triggers", verbose_name=_("organisation")
    )
    resolved_person_id = models.CharField(_("resolved person id"), max_length=64)
    person_ids = models.JSONField(default=list)
    name = models.CharField(_("name"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area_code = models.CharField(_("area code"), max_length=20, blank=True)
    area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("area")
    )
    ace_types = models.JSONField(default=list)
    ace_count = models.PositiveSmallIntegerField(_("ACE count"), default=0)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    flags = models.JSONField(default=list)
    evidence_event_ids = models.JSONField(default=list)
    # One row per event behind an ACE or flag: kind, name, event_id, day, code, member_id, member_name.
    evidence = models.JSONField(default=list)
    rule_version = models.CharField(_("rule version"), max_length=50)
    first_run = models.ForeignKey(TriggerRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(TriggerRun, on_delete=models.PROTECT, related_name="triggers")
    in_latest_run = models.BooleanField(default=True)
    evidence_changed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=TriggerStatus.choices, default=TriggerStatus.NEW)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    dismiss_reason = models.TextField(_("reason for dismissing"), blank=True)
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ace_count", "resolved_person_id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "resolved_person_id"], name="trigger_one_per_child")
        ]
        indexes = [models.Index(fields=["organisation", "status", "level"])]
        verbose_name = _("trigger")

    def __str__(self) -> str:
        return f"Trigger {self.reference}"

    @property
    def reference(self) -> str:
        """Returns the trigger's short reference, as staff quote it."""
        return f"TRG-{self.pk:06d}"


class TriggerEvent(models.Model):
    """One decision or change in a trigger's history, shown on its page (the audit log holds it too)."""

    trigger = models.ForeignKey(Trigger, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} on trigger {self.trigger_id}"


class DemandKind(models.TextChoices):
    """The repeat and frequent demand lists."""

    REPEAT_VICTIM = "repeat_victim", _("Repeat victims")
    FREQUENT_CALLER = "frequent_caller", _("Frequent callers")
    FREQUENT_MISSING = "frequent_missing", _("Frequently missing people")
    REPEAT_LOCATION = "repeat_location", _("Repeat locations")


class DemandEntry(models.Model):
    """One row of a repeat or frequent demand list from a run: a person (or an address) and the evidence."""

    run = models.ForeignKey(TriggerRun, on_delete=models.CASCADE, related_name="demand_entries")
    kind = models.CharField(max_length=20, choices=DemandKind.choices)
    rank = models.PositiveIntegerField(default=0)
    subject = models.CharField(max_length=200)  # resolved person id, or the place key of an address
    name = models.CharField(max_length=300, blank=True)  # the person's name or the address
    area_code = models.CharField(max_length=20, blank=True)
    area = models.ForeignKey("places.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    count = models.PositiveIntegerField(default=0)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)
    detail = models.JSONField(default=dict)
    event_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["kind", "rank", "pk"]
        indexes = [models.Index(fields=["run", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
