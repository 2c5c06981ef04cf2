"""The machine-translation providers: null by default, and LibreTranslate-compatible over HTTP (a local server)."""

from __future__ import annotations

import socket

import pytest

from upstream.translation.providers.base import ProviderError, ProviderUnavailable, get_provider
from upstream.translation.providers.http import HTTPProvider
from upstream.translation.providers.null import NullProvider


def test_the_default_provider_is_null_and_refuses_with_what_to_do(settings):
    settings.TRANSLATION_PROVIDER = "null"
    provider = get_provider()
    assert isinstance(provider, NullProvider)
    assert provider.available is False
    with pytest.raises(ProviderUnavailable, match="UPSTREAM_TRANSLATION_HTTP_URL"):
        provider.translate("Hello", source="en", target="cy")


def test_an_unknown_provider_setting_is_refused(settings):
    settings.TRANSLATION_PROVIDER = "deepl"
    with pytest.raises(ProviderError, match="Unknown TRANSLATION_PROVIDER"):
        get_provider()


def test_the_http_provider_needs_an_http_address(settings):
    settings.TRANSLATION_PROVIDER = "http"
    settings.TRANSLATION_HTTP_URL = ""
    with pytest.raises(ProviderError, match="not set"):
        get_provider()
    with pytest.raises(ProviderError, match="not an http"):
        HTTPProvider(url="file:///etc/passwd")


def test_it_posts_the_libretranslate_request_and_reads_the_answer(translation_server):
    provider = HTTPProvider(url=translation_server.url + "/", timeout=5)
    assert provider.translate("Food bank", source="en", target="cy") == "[cy] Food bank"
    request = translation_server.requests[0]
    assert request["path"] == "/translate"
    assert request["payload"] == {"q": "Food bank", "source": "en", "target": "cy", "format": "text"}


def test_it_sends_the_api_key_when_configured(translation_server):
    translation_server.behaviour = "key"
    assert HTTPProvider(url=translation_server.url, api_key="secret-key").translate("Hi", source="en", target="cy")
    with pytest.raises(ProviderError, match="answered 403: Invalid API key"):
        HTTPProvider(url=translation_server.url, api_key="wrong").translate("Hi", source="en", target="cy")


def test_blank_text_is_not_sent(translation_server):
    assert HTTPProvider(url=translation_server.url).translate("  ", source="en", target="cy") == "  "
    assert translation_server.requests == []


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("error", "answered 400: Invalid target language"),
        ("not-json", "did not answer with JSON"),
        ("no-text", "without a translatedText"),
    ],
)
def test_a_bad_answer_is_a_clear_error(translation_server, behaviour, message):
    translation_server.behaviour = behaviour
    with pytest.raises(ProviderError, match=message):
        HTTPProvider(url=translation_server.url).translate("Hello", source="en", target="cy")


def test_a_slow_service_times_out_with_a_clear_error(translation_server):
    translation_server.behaviour = "slow"
    with pytest.raises(ProviderError, match=r"did not answer within 0\.3 seconds"):
        HTTPProvider(url=translation_server.url, timeout=0.3).translate("Hello", source="en", target="cy")


def test_a_service_that_is_not_running_is_a_clear_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ProviderError, match="Could not reach the translation service"):
        HTTPProvider(url=f"http://127.0.0.1:{port}", timeout=2).translate("Hello", source="en", target="cy")
