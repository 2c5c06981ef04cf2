from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "upstream.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default = True  # this module also holds the admin's AppConfig below

    def ready(self) -> None:
        """Declares the accounts policy and puts "Your account" at the end of the navigation."""
        from upstream.accounts import checks, policies  # noqa: F401 - registers the checks and the rules
        from upstream.core import navigation

        navigation.register(
            navigation.Section(
                label=_("Your account"),
                url_name="accounts:account",
                action="accounts:own-account:view",
                order=1000,
                active_prefix="/accounts/account/",
            )
        )


class SupportAdminConfig(admin_apps.AdminConfig):
    default = False  # named explicitly in INSTALLED_APPS; the accounts app's config stays the default here
    # The admin site refuses everyone but active support administrators (accounts/admin_site.py).
    default_site = "upstream.accounts.admin_site.SupportAdminSite"
