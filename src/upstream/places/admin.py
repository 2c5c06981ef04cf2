"""Support staff may correct an area's name or parent; boundaries come only from files (import-boundaries)."""

from django.contrib import admin

from upstream.places.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    """Lists areas by level and code; the boundary and what is derived from it cannot be edited by hand."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_cy")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = (
        "boundary_hash",
        "boundary_derived",
        "centroid_latitude",
        "centroid_longitude",
        "min_latitude",
        "max_latitude",
        "min_longitude",
        "max_longitude",
    )
    exclude = ("boundary",)  # thousands of coordinates: edited by loading a file, never by hand

    def has_add_permission(self, request: object) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: areas come from boundary files or the demo, with their geometry."""
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: other records point at areas; an area is corrected, not deleted."""
        return False
