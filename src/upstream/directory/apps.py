from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "upstream.directory"
    label = "directory"
    verbose_name = _("Pathways directory")

    def ready(self) -> None:
        """Declares the directory's access rules ."""
        from upstream.directory import policies  # noqa: F401 - imported for its registrations

        self._register_workspace()

    def _register_workspace(self) -> None:
        """Puts the co-ordinator's workspace and providers' page in the navigation and on the home page."""
        from upstream.core import home, navigation
        from upstream.directory import policies
        from upstream.directory.workspace import queries as workspace_queries

        navigation.register(
            navigation.Section(
                label=_("Directory workspace"),
                url_name="directory:workspace",
                action=policies.WORKSPACE_VIEW,
                order=45,
                active_prefix="/directory/workspace/",
            )
        )
        home.register(
            home.Panel(
                title=_("Directory records to check"),
                description=_(
                    "Records due for re-checking, providers' changes, the public's reports and broken links."
                ),
                url_name="directory:workspace",
                action=policies.WORKSPACE_VIEW,
                order=45,
                count=workspace_queries.due_count,
                count_label=_("due for checking"),
            )
        )
        home.register(
            home.Panel(
                title=_("Your services in the directory"),
                description=_(
                    "Propose changes to your organisation's services; the directory co-ordinator approves them."
                ),
                url_name="directory:provider-home",
                action=policies.PROPOSAL_CREATE,
                order=46,
            )
        )
