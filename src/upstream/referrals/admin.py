"""Support staff set up who receives referrals and manage programmes and API keys; they never read referrals.

Referrals hold personal data and support administrators hold no casework role, so referrals, events,
enrolments and notifications are not in the admin at all.
"""

from django.contrib import admin

from upstream.referrals.models import ApiKey, Programme, ReceivingService


@admin.register(ReceivingService)
class ReceivingServiceAdmin(admin.ModelAdmin):
    """Which organisation receives a directory service's referrals, and its acknowledgement target."""

    list_display = ("service", "organisation", "acknowledge_within_days", "accepts_self_referrals")
    list_filter = ("organisation", "accepts_self_referrals")
    raw_id_fields = ("service",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Programmes: places, dates, eligibility and conditions (no enrolments: those are personal data)."""

    list_display = ("name", "organisation", "places", "capacity_kind", "starts_on", "ends_on")
    list_filter = ("organisation", "capacity_kind")
    search_fields = ("name",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """API keys by prefix; the key itself is never stored, so it cannot be shown. Revoke by setting the date."""

    list_display = ("name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organisation",)
    fields = ("name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "organisation", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request: object) -> bool:  # noqa: ARG002 - Django admin's signature
        """Returns False: keys are made by `upstream referrals create-api-key`, which prints the key once."""
        return False
