from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "upstream.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        """Declares the places policy and puts Places in the navigation and on the home page."""
        from upstream.core import home, navigation
        from upstream.places import policies

        navigation.register(
            navigation.Section(
                label=_("Places"),
                url_name="places:area-list",
                action=policies.AREA_VIEW,
                order=60,
                active_prefix="/places/",
            )
        )
        home.register(
            home.Panel(
                title=_("Places"),
                description=_(
                    "See the force area, its local authorities, wards and neighbourhoods on a map, and find "
                    "the neighbourhood for a point."
                ),
                url_name="places:area-list",
                action=policies.AREA_VIEW,
                order=60,
            )
        )
