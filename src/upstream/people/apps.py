from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "upstream.people"
    label = "people"
    verbose_name = _("People and households")

    def ready(self) -> None:
        """Declares the people policy and puts People in the navigation and on the home page."""
        from upstream.core import home, navigation
        from upstream.people import policies

        navigation.register(
            navigation.Section(
                label=_("People"),
                url_name="people:list",
                action=policies.PERSON_VIEW,
                order=20,
                active_prefix="/people/",
            )
        )
        home.register(
            home.Panel(
                title=_("People"),
                description=_("Find the people your organisation holds, or has been shared, and add new ones."),
                url_name="people:list",
                action=policies.PERSON_VIEW,
                order=20,
            )
        )
