"""Areas: force → local authority → ward → neighbourhood (LSOA-sized), each with a boundary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    """The levels of the place hierarchy, largest first."""

    FORCE = "force", _("Force area")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    WARD = "ward", _("Ward")
    NEIGHBOURHOOD = "lsoa", _("Neighbourhood")


class Area(models.Model):
    """One area at one level, with its GeoJSON boundary and centroid."""

    level = models.CharField(_("level"), max_length=20, choices=AreaLevel.choices, db_index=True)
    # ONS codes are nine characters; a force area's code is derived from its name ("force:west-yorkshire").
    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(_("Welsh name"), max_length=200, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    # A digest of the boundary: re-imports compare it instead of the whole geometry, and each process keys
    # its cache of prepared geometries on it, so a boundary changed by another process is never stale.
    boundary_hash = models.CharField(max_length=64, blank=True, default="")
    # True when the boundary is the union of the area's children (a force, or a local authority created on
    # the fly from a file of its wards), so it is recomputed when they change.
    boundary_derived = models.BooleanField(default=False)
    centroid_latitude = models.FloatField(null=True, blank=True)
    centroid_longitude = models.FloatField(null=True, blank=True)
    # The boundary's bounding box, so a point lookup reads only the few areas that could hold it.
    min_latitude = models.FloatField(null=True, blank=True, db_index=True)
    max_latitude = models.FloatField(null=True, blank=True)
    min_longitude = models.FloatField(null=True, blank=True)
    max_longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["level", "min_latitude", "max_latitude", "min_longitude", "max_longitude"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RunStatus(models.TextChoices):
    """Where an analysis run stands."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class AnalysisRun(models.Model):
    """One places analysis run in the background: its inputs, progress, timings and where its results are."""

    force = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="analysis_runs")
    level = models.CharField(
        _("level"), max_length=20, choices=[("lsoa", _("Neighbourhood (LSOA)")), ("ward", _("Ward"))]
    )
    first_month = models.CharField(_("from"), max_length=7)
    last_month = models.CharField(_("to"), max_length=7)
    # Inputs, as the pipeline was given them: CCHI days by crime type (empty: no harm weights), the need
    # weights and the allocation options, permutations and seed.
    harm_weights = models.JSONField(_("harm weights"), default=dict, blank=True)
    need_weights = models.JSONField(_("need weights"), default=dict)
    officers = models.PositiveIntegerField(_("officers"), null=True, blank=True)
    floor = models.PositiveIntegerField(_("floor per unit"), default=2)
    permutations = models.PositiveIntegerField(default=999)
    seed = models.PositiveIntegerField(default=20170701)
    # Hotspots on points as well, in H3 hexagons of this resolution (empty: on areas only).
    h3_resolution = models.PositiveSmallIntegerField(_("H3 resolution"), null=True, blank=True)
    # The run this one repeats with the same inputs ("Run again"), if any.
    again_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats")
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="places_analysis_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched by the worker every few seconds while the run is running: a run not heard from for a while
    # was left by a worker that died (tasks.py), and is marked failed so it can be run again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The folder of results, relative to RUNS_DIR (area_indicators.csv, concentration.json, … manifest.json).
    output_dir = models.CharField(max_length=300, blank=True)
    # The manifest and the concentration summary, copied in so list pages need not read files.
    manifest = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.force.name} {self.level} {self.first_month}..{self.last_month} (run {self.pk})"

    @property
    def percent(self) -> int:
        """Returns how far the run has got, 0-100."""
        if self.status == RunStatus.SUCCEEDED:
            return 100
        return int(100 * self.step / self.steps) if self.steps else 0

    @property
    def is_live(self) -> bool:
        """Returns whether the run is still waiting or running (its page keeps asking how far it has got)."""
        return self.status in {RunStatus.QUEUED, RunStatus.RUNNING}


class PrioritySet(models.Model):
    """A saved set of priority areas with the reason they were chosen, for a later before/after evaluation."""

    name = models.CharField(_("name"), max_length=200)
    force = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="priority_sets")
    reason = models.TextField(_("reason"))
    areas = models.ManyToManyField(Area, related_name="priority_in")
    # The run the areas were picked from, and its period: the "before" of a before/after evaluation.
    run = models.ForeignKey(AnalysisRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="priority_sets")
    baseline_first_month = models.CharField(max_length=7, blank=True)
    baseline_last_month = models.CharField(max_length=7, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="places_priority_sets"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


# The postcode lookup table lives with its importer (postcodes.py); imported here so Django registers it.
from upstream.places.postcodes import Postcode  # noqa: E402, F401 - registers the model
