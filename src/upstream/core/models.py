"""Core tables: the audit log and explicit shares of personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One act on personal data (DPA 2018 s.62). Append-only, hash-chained; see core/audit.py."""

    sequence = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copied, not only linked, so the log still reads when a user is later renamed or deactivated.
    actor_label = models.CharField(max_length=200)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    tag = models.CharField(max_length=100, db_index=True)  # "source:subject:action", see AuditTag
    operation = models.CharField(max_length=20)  # s.62 category: collection, consultation, disclosure …
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    recipient = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.tag} {self.object_type}:{self.object_id} by {self.actor_label}"


class AccessGrant(models.Model):
    """Personal data of one organisation shared explicitly with another organisation or one user."""

    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    granted_to_organisation_id = models.BigIntegerField(null=True, blank=True)
    granted_to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_grants",
    )
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=300)
    agreement = models.CharField(_("information-sharing agreement"), max_length=200, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(granted_to_organisation_id__isnull=False) | models.Q(granted_to_user__isnull=False),
                name="access_grant_has_grantee",
            )
        ]

    def __str__(self) -> str:
        grantee = self.granted_to_organisation_id or self.granted_to_user_id
        return f"{self.object_type}:{self.object_id} → {grantee}"
