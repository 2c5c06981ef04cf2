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
