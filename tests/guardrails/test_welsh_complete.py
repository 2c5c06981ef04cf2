"""Every string a user can see has a Welsh translation in the committed catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "upstream"
CATALOGUE = SOURCE / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# The same keywords and extractors as `make extract-messages` (Makefile, babel.cfg).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}
METHOD_MAP = [("**.py", "python"), ("**/jinja2/**.html", "jinja2")]
OPTIONS_MAP = {"**/jinja2/**.html": {"extensions": "jinja2.ext.i18n"}}


def _source_messages() -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(SOURCE), METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.add((context, msgid))
    return found


def test_every_string_in_the_source_has_a_welsh_translation():
    with CATALOGUE.open("rb") as po_file:
        catalogue = read_po(po_file, locale="cy")
    translated = set()
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if all(s.strip() for s in strings):
            translated.add((message.context, msgid))
    missing = sorted(_source_messages() - translated, key=lambda m: m[1])
    assert not missing, (
        f"{len(missing)} strings have no Welsh translation in {CATALOGUE.relative_to(ROOT)}:\n  "
        + "\n  ".join(repr(m[1]) + (f" (context {m[0]!r})" if m[0] else "") for m in missing)
        + "\nRun `make extract-messages`, then write the Welsh msgstr for each (no fuzzy entries) and commit the .po."
    )


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")


def test_every_welsh_translation_keeps_the_placeholders_of_its_english():
    # A placeholder the English does not supply raises KeyError on the Welsh page; one dropped loses data.
    with CATALOGUE.open("rb") as po_file:
        catalogue = read_po(po_file, locale="cy")
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) - expected:
                wrong.append(f"{ids[0]!r} -> {string!r}: unknown placeholder")
            elif string and not isinstance(message.id, tuple) and set(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}: placeholders differ")
    assert not wrong, "Fix these Welsh translations in the catalogue:\n  " + "\n  ".join(wrong)


@pytest.mark.django_db
def test_a_page_in_welsh_is_in_welsh_and_says_so():
    client = Client()
    client.cookies["upstream_language"] = "cy"
    body = client.get("/accessibility/").content.decode()
    assert '<html lang="cy"' in body
    assert "Neidio i’r prif gynnwys" in body  # the skip link
    assert "Datganiad hygyrchedd" in body
    assert "Accessibility statement" not in body


@pytest.mark.django_db
def test_a_page_in_english_is_in_english():
    body = Client().get("/accessibility/").content.decode()
    assert '<html lang="en"' in body
    assert "Skip to main content" in body
    assert "Neidio" not in body


def test_the_welsh_catalogue_loads_through_django():
    with translation.override("cy"):
        assert translation.gettext("Sign out") == "Allgofnodi"
        assert translation.gettext("There is a problem") == "Mae problem wedi codi"
