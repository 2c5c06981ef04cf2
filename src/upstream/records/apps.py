from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "upstream.records"
    label = "records"
    verbose_name = _("Records")

    def ready(self) -> None:
        """Declares the records policy and puts police records and the review queue in the navigation."""
        from upstream.core import home, navigation
        from upstream.records import policies, queries

        navigation.register(
            navigation.Section(
                label=_("Police records"),
                url_name="records:index",
                action=policies.PERSON_VIEW,
                order=37,
                active_prefix="/records/",
            )
        )
        home.register(
            home.Panel(
                title=_("Record linkage review"),
                description=_(
                    "Pairs of police person records the linkage model was unsure about: decide whether they are "
                    "the same person."
                ),
                url_name="records:review",
                action=policies.REVIEW,
                order=38,
                count=queries.home_waiting_count,
                count_label=_("waiting for a decision"),
            )
        )
