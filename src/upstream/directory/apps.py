from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "upstream.directory"
    label = "directory"
    verbose_name = _("Pathways directory")

    def ready(self) -> None:
        """Declares the directory's access rules ."""
        from upstream.directory import policies  # noqa: F401 - imported for its registrations
