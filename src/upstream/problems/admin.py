"""Support admin for plans: read-only, because every change to a plan goes through its audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from upstream.problems.models import ProblemPlan


@admin.register(ProblemPlan)
class ProblemPlanAdmin(admin.ModelAdmin):
    """Lets support staff find a plan by reference, owner and stage, without changing it."""

    list_display = ("reference", "title", "organisation", "team", "stage", "score")
    list_filter = ("stage", "organisation")
    search_fields = ("title",)
    fields = ("title", "organisation", "team", "area", "stage", "version", "score", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: plans are made on the plan pages, where they are audited."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: changes go through the audited services."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: plans and their history are never deleted."""
        return False
