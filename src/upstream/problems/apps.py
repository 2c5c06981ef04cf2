from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "upstream.problems"
    label = "problems"
    verbose_name = _("Problem solving")

    def ready(self) -> None:
        """Declares the problem-solving policy and puts plans in the navigation and on the home page."""
        from upstream.core import home, navigation
        from upstream.problems import links, policies, queries

        links.register()
        navigation.register(
            navigation.Section(
                label=_("Problem solving"),
                url_name="problems:list",
                action=policies.PLAN_VIEW,
                order=40,
                active_prefix="/problems/",
            )
        )
        home.register(
            home.Panel(
                title=_("Problem-solving plans"),
                description=_("Work recurring problems with partners: scan, analyse, respond and assess."),
                url_name="problems:list",
                action=policies.PLAN_VIEW,
                order=40,
                count=queries.waiting_for_approval,
                count_label=_("waiting for approval"),
            )
        )
        home.register(
            home.Panel(
                title=_("Problem-solving dashboard"),
                description=_("Plans by stage, area, team and age, overdue actions, and the quality of plans."),
                url_name="problems:dashboard",
                action=policies.DASHBOARD_VIEW,
                order=41,
            )
        )
