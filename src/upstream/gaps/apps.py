from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GapsConfig(AppConfig):
    name = "upstream.gaps"
    label = "gaps"
    verbose_name = _("Gap analysis")

    def ready(self) -> None:
        """Declares who may see the gap analysis and puts it in the navigation and on the home page."""
        from upstream.core import home, navigation
        from upstream.gaps import policies

        navigation.register(
            navigation.Section(
                label=_("Gaps"), url_name="gaps:index", action=policies.GAPS_VIEW, order=64, active_prefix="/gaps/"
            )
        )
        home.register(
            home.Panel(
                title=_("Gaps in support"),
                description=_(
                    "Where the directory has no service for a need, against searches that found nothing and "
                    "referrals declined for capacity or eligibility."
                ),
                url_name="gaps:index",
                action=policies.GAPS_VIEW,
                order=64,
            )
        )
