from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriggersConfig(AppConfig):
    name = "upstream.triggers"
    label = "triggers"
    verbose_name = _("Triggers")

    def ready(self) -> None:
        """Declares the triggers policy and puts the queue and demand lists in the navigation and on the home page."""
        from upstream.core import home, navigation
        from upstream.triggers import policies, queries

        navigation.register(
            navigation.Section(
                label=_("Triggers"),
                url_name="triggers:queue",
                action=policies.TRIGGER_VIEW,
                order=35,
                active_prefix="/triggers/queue/",
            )
        )
        navigation.register(
            navigation.Section(
                label=_("Repeat demand"),
                url_name="triggers:demand",
                action=policies.DEMAND_VIEW,
                order=36,
                active_prefix="/triggers/demand/",
            )
        )
        home.register(
            home.Panel(
                title=_("Trigger queue"),
                description=_(
                    "Children the prevention rules found living with adversity: review the evidence, assign "
                    "to the neighbourhood team, refer or dismiss."
                ),
                url_name="triggers:queue",
                action=policies.TRIGGER_VIEW,
                order=35,
                count=queries.queue_count,
                count_label=_("waiting for review"),
            )
        )
        home.register(
            home.Panel(
                title=_("Repeat and frequent demand"),
                description=_("Repeat victims, frequent callers, frequently missing people and repeat locations."),
                url_name="triggers:demand",
                action=policies.DEMAND_VIEW,
                order=36,
            )
        )
