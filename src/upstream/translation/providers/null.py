"""The default provider: no machine translation. Staff translate by hand; asking for drafts says how to set one up."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from upstream.translation.providers.base import ProviderUnavailable, TranslationProvider


class NullProvider(TranslationProvider):
    """Translates nothing: no service is configured."""

    name = "null"
    label = _("No machine translation")
    available = False

    def translate(self, text: str, *, source: str, target: str) -> str:  # noqa: ARG002 - the interface's signature
        """Refuses, saying how to configure a machine-translation service."""
        raise ProviderUnavailable(
            "No machine translation service is set up. Set UPSTREAM_TRANSLATION_PROVIDER=http and "
            "UPSTREAM_TRANSLATION_HTTP_URL to a self-hosted LibreTranslate-compatible service, or translate by hand."
        )

    def describe(self) -> str:
        """Returns a sentence for staff."""
        return str(_("No machine translation service is set up: translations are written by hand."))
