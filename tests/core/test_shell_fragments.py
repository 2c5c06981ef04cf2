"""The shell's kept fragments (core/jinja.py shell_fragment): one per language, forgotten when settings change."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import clear_script_prefix, set_script_prefix

from upstream.core import jinja

pytestmark = pytest.mark.django_db


def _footer(body: str) -> str:
    start = body.index('<div class="govuk-footer">')
    return body[start : body.index("</footer>", start)]


def test_each_language_keeps_its_own_footer_and_phase_banner():
    english = Client().get("/privacy/").content.decode()
    welsh_client = Client()
    welsh_client.cookies["upstream_language"] = "cy"
    welsh = welsh_client.get("/privacy/").content.decode()
    assert "Privacy notice" in _footer(english)
    assert "Hysbysiad preifatrwydd" in _footer(welsh)
    assert "Privacy notice" not in _footer(welsh)
    # Asked again, each language still gets its own (the kept copies are not mixed up).
    assert _footer(Client().get("/accessibility/").content.decode()) == _footer(english)
    assert _footer(welsh_client.get("/accessibility/").content.decode()) == _footer(welsh)
    assert "Alpha" in english
    assert "Alpha" not in welsh


def test_a_site_under_a_path_prefix_gets_its_own_links():
    Client().get("/privacy/")  # keeps the fragments for the site at /
    set_script_prefix("/upstream/")
    try:
        body = jinja.environment(loader=None).from_string(
            '{% call shell_fragment("prefix-test") %}{{ url("core:privacy") }}{% endcall %}'
        )
        assert body.render() == "/upstream/privacy/"
    finally:
        clear_script_prefix()
    assert 'href="/privacy/"' in _footer(Client().get("/privacy/").content.decode())


def test_a_changed_setting_forgets_the_kept_fragments(settings):
    Client().get("/privacy/")
    assert jinja._fragments
    settings.STATIC_URL = "/assets/"
    assert not jinja._fragments
