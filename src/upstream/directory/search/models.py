"""The search table: one row per service, holding everything a search filters and sorts on.

It is derived data (rebuilt by ``services.refresh_services_index`` with the words, filter tokens and opening
rules), so a search reads one narrow table joined to the text index instead of services, places and
schedules. Its id is the service's ServiceText id, which is also the SQLite FTS5 rowid, so the text match
joins on the primary key. Imported by ``directory.models`` so Django knows it (app label ``directory``).
"""

from __future__ import annotations

from django.db import models

# The week in hours, Monday 00:00 first; each hour is one character holding its four quarters (search/week.py).
WEEK_HOURS = 7 * 24
SHUT, OPEN, CHECK = 0, 1, 2  # a quarter hour: shut throughout, open throughout, or ask the opening rules


class SearchEntry(models.Model):
    """A service as search sees it, with its first place (``SearchPlace`` holds them all when it has several)."""

    # ServiceText.id, always given. An auto field only for its column type: on SQLite that is INTEGER PRIMARY
    # KEY, the rowid itself, so the text match's rowids find their rows without a second index.
    id = models.BigAutoField(primary_key=True)
    service = models.OneToOneField("directory.Service", on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    name = models.TextField()  # the order of results when nothing else ranks them
    filter_tokens = models.TextField(blank=True)
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    eligibility_sex = models.CharField(max_length=10, blank=True)
    is_free = models.BooleanField(default=False)
    open_on_bank_holidays = models.BooleanField(default=False)
    week = models.CharField(max_length=WEEK_HOURS)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # The point on the unit sphere: the straight-line (chord) distance is plain arithmetic in SQL, and it
    # orders exactly as the great-circle distance does.
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    z = models.FloatField(null=True, blank=True)
    more_places = models.BooleanField(default=False)

    class Meta:
        app_label = "directory"
        indexes = [models.Index(fields=["latitude", "longitude"], name="directory_searchentry_point")]

    def __str__(self) -> str:
        return self.name


class SearchPlace(models.Model):
    """Every place of a service that has more than one, so distance is to the nearest of them."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="places")
    latitude = models.FloatField()
    longitude = models.FloatField()
    x = models.FloatField()
    y = models.FloatField()
    z = models.FloatField()

    class Meta:
        app_label = "directory"

    def __str__(self) -> str:
        return f"{self.latitude}, {self.longitude}"
