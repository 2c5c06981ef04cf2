"""Support staff see people only as ids and controllers: the admin is for fixing data, not reading it."""

from django.contrib import admin

from upstream.people.models import Household, Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Lists person records without their personal details (support staff hold no casework role)."""

    list_display = ("pk", "controller", "legal_regime", "retention_class", "created_at", "erased_at")
    list_filter = ("controller", "legal_regime", "retention_class")
    fields = ("controller", "legal_regime", "purpose", "retention_class", "created_at", "erased_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: people are added through the service, which audits it."""
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: changes go through the service, which audits them."""
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: people are erased, never deleted."""
        return False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    """Lists households by id and controller only."""

    list_display = ("pk", "controller", "created_at")
    fields = ("controller", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: households are added through the service, which audits it."""
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: changes go through the service, which audits them."""
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: households are never deleted."""
        return False
