"""The roles a user can hold. Kept in core so the access policy can name them without importing accounts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does; a user may hold several roles."""

    OFFICER = "officer", _("Officer")
    CALL_HANDLER = "call_handler", _("Call handler")
    ANALYST = "analyst", _("Analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    PARTNER_CASEWORKER = "partner_caseworker", _("Partner caseworker")
    DIRECTORY_COORDINATOR = "directory_coordinator", _("Directory co-ordinator")
    ADMINISTRATOR = "administrator", _("Administrator")
