"""A LibreTranslate-compatible service over HTTP, self-hosted so records' words stay on our own network.

``POST {url}/translate`` with JSON ``{"q": text, "source": "en", "target": "cy", "format": "text",
"api_key": key}`` answers ``{"translatedText": "..."}``; an error answers a 4xx or 5xx status with
``{"error": "..."}``. Every failure becomes a ProviderError whose message names the service and says what
went wrong (no answer in time, refused connection, an error status and the service's own message, or an
answer without a translation).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.utils.translation import gettext as _

from upstream.translation.providers.base import ProviderError, TranslationProvider

MAX_ERROR = 300  # characters of a service's error message worth showing


class HTTPProvider(TranslationProvider):
    """Asks a LibreTranslate-compatible service."""

    name = "http"

    def __init__(self, *, url: str, api_key: str = "", timeout: float = 20.0) -> None:
        if not url:
            raise ProviderError("TRANSLATION_HTTP_URL is not set: give the address of the translation service.")
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ProviderError(f"TRANSLATION_HTTP_URL {url!r} is not an http(s) address.")
        self.url = url.rstrip("/")
        self.endpoint = self.url + "/translate"
        self.api_key = api_key
        self.timeout = timeout

    def describe(self) -> str:
        """Returns a sentence for staff naming the service."""
        return _("Machine drafts come from the translation service at %(url)s.") % {"url": self.url}

    def translate(self, text: str, *, source: str, target: str) -> str:
        """Returns the service's translation of the text."""
        if not text.strip():
            return text
        payload: dict[str, Any] = {"q": text, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s) in __init__
            self.endpoint,
            data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - checked above
                body = response.read()
        except urllib.error.HTTPError as error:
            raise ProviderError(
                f"The translation service at {self.url} answered {error.code}: {_error_message(error.read())}"
            ) from error
        except TimeoutError as error:
            raise ProviderError(
                f"The translation service at {self.url} did not answer within {self.timeout:g} seconds."
            ) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise ProviderError(
                    f"The translation service at {self.url} did not answer within {self.timeout:g} seconds."
                ) from error
            raise ProviderError(f"Could not reach the translation service at {self.url}: {error.reason}.") from error
        except OSError as error:
            raise ProviderError(f"Could not reach the translation service at {self.url}: {error}.") from error
        try:
            answer = json.loads(body)
        except ValueError as error:
            raise ProviderError(f"The translation service at {self.url} did not answer with JSON.") from error
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, str):
            raise ProviderError(f"The translation service at {self.url} answered without a translatedText.")
        return translated


def _error_message(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:MAX_ERROR] or "no message"
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])[:MAX_ERROR]
    return "no message"
