from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "upstream.records"
    label = "records"
    verbose_name = _("Records")

    def ready(self) -> None:
        """Declares the records policy, puts records and the review queue in the navigation, offers the person page.

        Other capabilities' pages reach the resolved person page through core's link registry (records/links.py).
        """
        from upstream.core import home, links, navigation
        from upstream.records import links as record_links
        from upstream.records import policies, queries

        links.register("triggers:child", record_links.child_links)

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
