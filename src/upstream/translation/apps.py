from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationConfig(AppConfig):
    name = "upstream.translation"
    label = "translation"
    verbose_name = _("Translation")

    def ready(self) -> None:
        """Declares the translation policy, the records that can be translated, and the staff pages' links."""
        from upstream.core import home, localised, navigation
        from upstream.translation import policies, queries, registry

        registry.register_defaults()
        localised.register(queries.published_for_record)
        localised.register_bulk(queries.published_for_records)
        navigation.register(
            navigation.Section(
                label=_("Translations"),
                url_name="translation:index",
                action=policies.TRANSLATION_EDIT,
                order=62,
                active_prefix="/translations/",
            )
        )
        home.register(
            home.Panel(
                title=_("Translations"),
                description=_("Translate the directory into Welsh and other languages, review and publish."),
                url_name="translation:index",
                action=policies.TRANSLATION_EDIT,
                order=62,
                count=queries.waiting_for_review_count,
                count_label=_("waiting for review"),
            )
        )
