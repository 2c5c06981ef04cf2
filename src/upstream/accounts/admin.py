"""What support staff can edit in the admin site (admin_site.py decides who they are)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from upstream.accounts import services
from upstream.accounts.models import Organisation, Team, User
from upstream.core.roles import Role


class RolesField(forms.MultipleChoiceField):
    """The user's roles as checkboxes, one per Role."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Roles"))
        super().__init__(**kwargs)


class SupportUserChangeForm(UserChangeForm):
    """Edits a user, with roles as checkboxes."""

    roles = RolesField()

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class SupportUserCreationForm(UserCreationForm):
    """Adds a user with a password checked by the password rules."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "organisation")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users, with their organisation and roles."""

    form = SupportUserChangeForm
    add_form = SupportUserCreationForm
    list_display = ("username", "first_name", "last_name", "organisation", "role_list", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "organisation", "is_demo_user")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisation and roles"), {"fields": ("organisation", "roles")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_demo_user")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "organisation", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")

    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second sign-in step (lost phone): they set it up again at next sign-in"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Removes the chosen users' authenticator apps, recording each reset in the audit log."""
        for user in queryset:
            services.reset_second_factor(actor=request.user, user=user)  # type: ignore[arg-type]
        self.message_user(
            request, _("The second sign-in step was reset for %(count)d user(s).") % {"count": len(queryset)}
        )

    @admin.display(description=_("Roles"))
    def role_list(self, obj: User) -> str:
        """Returns the user's roles in words."""
        return ", ".join(obj.role_labels())


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Organisations: police forces and partner agencies."""

    list_display = ("name", "kind", "force_area")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("force_area",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams and who is in them."""

    list_display = ("name", "organisation", "is_neighbourhood_team")
    list_filter = ("organisation", "is_neighbourhood_team")
    search_fields = ("name",)
    filter_horizontal = ("members",)
    raw_id_fields = ("areas",)
