"""The machine-translation provider interface, and the one configured in settings.

A provider turns one text from the source language into a target language. Upstream sends records' public
words only (service names and descriptions), never personal data. Its output is only ever a draft: the
translation service marks it ``machine`` and a person must review it before it can be published.

Settings (or environment variables of the same name, ``UPSTREAM_`` prefixed):

- ``TRANSLATION_PROVIDER``: ``"null"`` (the default: no machine translation) or ``"http"``;
- ``TRANSLATION_HTTP_URL``: the base URL of a self-hosted LibreTranslate-compatible service;
- ``TRANSLATION_HTTP_API_KEY``: its API key, if it asks for one;
- ``TRANSLATION_HTTP_TIMEOUT``: seconds to wait for each answer (default 20).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProviderError(Exception):
    """The provider could not translate: the message says why and what to do."""


class ProviderUnavailable(ProviderError):  # noqa: N818 - a kind of ProviderError, named for the state
    """No machine translation is configured."""


class TranslationProvider:
    """Turns text from one language into another."""

    name = "base"
    label = _("Machine translation")
    available = True

    def translate(self, text: str, *, source: str, target: str) -> str:
        """Returns the text translated from the source language into the target (ISO 639 codes)."""
        raise NotImplementedError

    def describe(self) -> str:
        """Returns a sentence for staff saying where translations come from."""
        return str(self.label)


def get_provider() -> TranslationProvider:
    """Returns the provider the settings choose."""
    from upstream.translation.providers.http import HTTPProvider
    from upstream.translation.providers.null import NullProvider

    choice = str(getattr(settings, "TRANSLATION_PROVIDER", "null") or "null").lower()
    if choice == "http":
        return HTTPProvider(
            url=str(getattr(settings, "TRANSLATION_HTTP_URL", "") or ""),
            api_key=str(getattr(settings, "TRANSLATION_HTTP_API_KEY", "") or ""),
            timeout=float(getattr(settings, "TRANSLATION_HTTP_TIMEOUT", 20) or 20),
        )
    if choice != "null":
        raise ProviderError(f"Unknown TRANSLATION_PROVIDER {choice!r}: use 'null' or 'http'.")
    return NullProvider()
