from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "upstream.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from upstream.accounts import policies  # noqa: F401 - registers the package's rules
