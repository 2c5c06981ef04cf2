"""Which languages records can be translated into: Welsh first, and any ISO 639 language added by staff.

Codes are checked against the CLDR language list that Babel (already a dependency, for the Welsh catalogue)
carries: every ISO 639-1 code and the ISO 639-2/3 codes CLDR knows, with their names in English and in the
language itself. Only the primary language subtag is taken ("cy", "pl", "so", "fil"): translations are per
language, not per region.
"""

from __future__ import annotations

import functools
import re

from babel import Locale, UnknownLocaleError
from django.conf import settings

CODE = re.compile(r"^[a-z]{2,3}$")


@functools.cache
def _known() -> dict[str, str]:
    return dict(Locale("en").languages)


class InvalidLanguage(ValueError):  # noqa: N818 - reads as the reason ("raise InvalidLanguage")
    """A code that is not an ISO 639 language we know."""


def normalise(code: str) -> str:
    """Returns the ISO 639 code for what was typed ("CY", " cy-GB ") or raises InvalidLanguage."""
    primary = str(code or "").strip().replace("_", "-").split("-")[0].lower()
    if not CODE.match(primary) or primary not in _known():
        raise InvalidLanguage(code)
    return primary


def is_valid(code: str) -> bool:
    """Returns whether the code names an ISO 639 language."""
    try:
        normalise(code)
    except InvalidLanguage:
        return False
    return True


def english_name(code: str) -> str:
    """Returns the language's name in English ("Welsh")."""
    return _known().get(code, code)


def native_name(code: str) -> str:
    """Returns the language's name in itself ("Cymraeg"), or the English name where CLDR has none."""
    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or english_name(code)


def configured() -> list[str]:
    """Returns the languages the settings always offer (Welsh unless changed)."""
    return [normalise(c) for c in getattr(settings, "TRANSLATION_LANGUAGES", ["cy"])]
