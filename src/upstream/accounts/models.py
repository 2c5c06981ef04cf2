"""Organisations, users, their roles, and teams."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from upstream.core.roles import Role


class OrganisationKind(models.TextChoices):
    """The kinds of organisation that use Upstream."""

    POLICE_FORCE = "police_force", _("Police force")
    COUNCIL = "council", _("Council")
    NHS_BODY = "nhs_body", _("NHS body")
    SCHOOL = "school", _("School")
    CHARITY = "charity", _("Charity")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """A police force or a partner agency; every user belongs to one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    # The force area an organisation works in (places.Area at the force level), when it has one.
    force_area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff at one organisation, holding one or more roles."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)  # values of core.roles.Role
    # Made by `upstream demo`: only these may skip the second factor, and only while DEMO_MODE is on.
    is_demo_user = models.BooleanField(_("demo user"), default=False)

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    @property
    def role_set(self) -> frozenset[str]:
        """Returns the user's roles as a set (what the access policy reads)."""
        return frozenset(self.roles or ())

    def has_role(self, role: str) -> bool:
        """Returns whether the user holds the role."""
        return role in self.role_set

    @property
    def is_support_administrator(self) -> bool:
        """Returns whether the user may use the support admin site (active, staff, administrator role)."""
        return bool(self.is_active and self.is_staff and self.has_role(Role.ADMINISTRATOR))

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Returns whether the user holds a Django model permission (used only by the support admin site)."""
        # Upstream's own access policy (core.policy) decides everything else; in the admin the one rule is
        # that support administrators may do everything, so nobody has to manage Django's permission tables.
        if self.is_support_administrator:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        """Returns whether the user may see an app in the support admin site."""
        if self.is_support_administrator:
            return True
        return super().has_module_perms(app_label)

    def role_labels(self) -> list[str]:
        """Returns the user's roles in words."""
        return [str(Role(r).label) for r in self.roles if r in Role.values]


class Team(models.Model):
    """A team in an organisation; a neighbourhood team covers areas."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    is_neighbourhood_team = models.BooleanField(_("neighbourhood team"), default=False)
    areas = models.ManyToManyField("places.Area", blank=True, related_name="teams")
    members = models.ManyToManyField(User, blank=True, related_name="teams")

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
