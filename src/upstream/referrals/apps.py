from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "upstream.referrals"
    label = "referrals"
    verbose_name = _("Referrals and programmes")

    def ready(self) -> None:
        """Declares the referrals policy and puts referrals in the navigation and on the home page."""
        from upstream.core import home, links, navigation
        from upstream.referrals import links as referral_links
        from upstream.referrals import policies, queries

        links.register("directory:service", referral_links.service_links)
        links.register("people:person", referral_links.person_links)
        navigation.register(
            navigation.Section(
                label=_("Referrals"),
                url_name="referrals:index",
                action=policies.REFERRAL_VIEW,
                order=30,
                active_prefix="/referrals/",
            )
        )
        home.register(
            home.Panel(
                title=_("Referrals"),
                description=_("Refer people to services and programmes, and see what happened to each referral."),
                url_name="referrals:index",
                action=policies.REFERRAL_VIEW,
                order=30,
                # Referrals sent but not acknowledged by the receiving service's target day.
                count=queries.overdue_count,
                count_label=_("overdue"),
            )
        )
        home.register(
            home.Panel(
                title=_("Your notifications"),
                description=_("Unread news of the referrals you sent or received."),
                url_name="referrals:notifications",
                action=policies.REFERRAL_VIEW,
                order=32,
                count=queries.unread_notification_count,
                count_label=_("unread"),
            )
        )
        home.register(
            home.Panel(
                title=_("Referral statistics"),
                description=_("Referrals by programme, service, area, sex, age, source, status and outcome."),
                url_name="referrals:statistics",
                action=policies.STATISTICS_VIEW,
                order=31,
            )
        )
