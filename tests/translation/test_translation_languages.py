"""Languages to translate into: Welsh first, any ISO 639 code can be added, anything else is refused."""

from __future__ import annotations

import pytest

from upstream.core.models import AuditEvent
from upstream.translation import languages, queries, services


@pytest.mark.parametrize(
    ("typed", "code"), [("cy", "cy"), ("CY", "cy"), (" cy-GB ", "cy"), ("pl", "pl"), ("fil", "fil"), ("so_SO", "so")]
)
def test_iso_639_codes_are_normalised(typed, code):
    assert languages.normalise(typed) == code


@pytest.mark.parametrize("typed", ["", "welsh", "zz", "c", "cymraeg", "<script>", "e1"])
def test_other_codes_are_refused(typed):
    assert not languages.is_valid(typed)


def test_names_in_english_and_in_the_language():
    assert languages.english_name("cy") == "Welsh"
    assert languages.native_name("cy") == "Cymraeg"


def test_welsh_is_offered_first_and_staff_add_others(db, coordinator):
    assert [c.code for c in queries.target_languages()] == ["cy"]
    services.add_language(actor=coordinator, code="PL")
    services.add_language(actor=coordinator, code="pl")  # twice is once
    assert [c.code for c in queries.target_languages()] == ["cy", "pl"]
    assert AuditEvent.objects.filter(tag="translation:language:add").count() == 1


def test_a_bad_code_is_refused_with_what_to_do(db, coordinator):
    with pytest.raises(services.TranslationRefused, match="ISO 639"):
        services.add_language(actor=coordinator, code="klingonish")


def test_an_officer_may_not_add_a_language(db, officer):
    from upstream.core.policy import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.add_language(actor=officer, code="pl")
