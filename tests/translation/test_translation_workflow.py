"""Saving, reviewing and publishing translations: the rules that keep the public pages honest, and the audit."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from upstream.core.localised import localise
from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.translation import queries, services
from upstream.translation.models import Source, Status, Translation


def _save(actor, service, kind, text="Hyb Cymorth i Deuluoedd", field="name"):
    return services.save_translation(actor=actor, kind=kind, record=service, field=field, language="cy", text=text)


def test_a_saved_translation_is_a_draft_by_a_person(coordinator, service, service_kind):
    row = _save(coordinator, service, service_kind)
    assert (row.status, row.source, row.translated_by, row.source_text) == (
        Status.DRAFT,
        Source.HUMAN,
        coordinator,
        "Family Support Hub",
    )
    assert AuditEvent.objects.filter(tag="translation:text:save", object_id=str(row.pk)).count() == 1


def test_nobody_reviews_their_own_words(coordinator, second_coordinator, service, service_kind):
    row = _save(coordinator, service, service_kind)
    with pytest.raises(services.TranslationRefused, match="Someone other than the translator"):
        services.review(actor=coordinator, translation=row)
    row = services.review(actor=second_coordinator, translation=row)
    assert row.status == Status.REVIEWED
    assert row.reviewed_by == second_coordinator


def test_only_a_reviewed_translation_is_published(coordinator, second_coordinator, service, service_kind):
    row = _save(coordinator, service, service_kind)
    with pytest.raises(services.TranslationRefused, match="Only a reviewed translation"):
        services.publish(actor=coordinator, translation=row)
    services.review(actor=second_coordinator, translation=row)
    row = services.publish(actor=coordinator, translation=row)
    assert row.status == Status.PUBLISHED
    tags = list(AuditEvent.objects.filter(tag__startswith="translation:").values_list("tag", flat=True))
    assert tags == ["translation:text:save", "translation:text:review", "translation:text:publish"]


def test_the_database_refuses_a_published_row_nobody_reviewed(service, service_kind, coordinator):
    row = _save(coordinator, service, service_kind)
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.filter(pk=row.pk).update(status=Status.PUBLISHED)


def test_changing_the_words_needs_a_new_review(coordinator, second_coordinator, service, service_kind):
    row = _save(coordinator, service, service_kind)
    services.review(actor=second_coordinator, translation=row)
    services.publish(actor=second_coordinator, translation=row)
    row = _save(coordinator, service, service_kind, text="Hyb Cefnogi Teuluoedd")
    assert row.status == Status.DRAFT
    assert row.reviewed_by is None


def test_saving_the_same_words_again_changes_nothing(coordinator, service, service_kind):
    _save(coordinator, service, service_kind)
    _save(coordinator, service, service_kind)
    assert AuditEvent.objects.filter(tag="translation:text:save").count() == 1


def test_a_blank_translation_or_an_unknown_field_or_language_is_refused(coordinator, service, service_kind):
    with pytest.raises(services.TranslationRefused, match="Enter the translation"):
        _save(coordinator, service, service_kind, text="   ")
    with pytest.raises(services.TranslationRefused, match="not a field"):
        _save(coordinator, service, service_kind, field="email")
    with pytest.raises(services.TranslationRefused, match="not one of the languages"):
        services.save_translation(
            actor=coordinator, kind=service_kind, record=service, field="name", language="pl", text="Hub"
        )


def test_an_officer_may_not_translate(officer, service, service_kind):
    with pytest.raises(PermissionDenied):
        _save(officer, service, service_kind)


def _publish(coordinator, reviewer, service, kind, *, field, text):
    row = _save(coordinator, service, kind, text=text, field=field)
    services.review(actor=reviewer, translation=row)
    return services.publish(actor=reviewer, translation=row)


def test_the_public_sees_only_published_up_to_date_translations(coordinator, second_coordinator, service, service_kind):
    _publish(coordinator, second_coordinator, service, service_kind, field="name", text="Hyb Cymorth i Deuluoedd")
    _save(coordinator, service, service_kind, text="Help i deuluoedd.", field="description")  # a draft only
    text = localise(service, ("name", "description"), "cy")
    assert (text["name"].text, text["name"].language, text["name"].lang_attr) == ("Hyb Cymorth i Deuluoedd", "cy", "")
    assert (text["description"].text, str(text["description"].lang_attr)) == (
        "Help for families under pressure.",
        ' lang="en"',
    )
    # In English nothing is looked up and nothing is marked.
    assert localise(service, ("name",), "en")["name"].text == "Family Support Hub"
    # When the original changes, the old translation is out of date and the public sees the new English.
    service.name = "Family Support Centre"
    service.save()
    assert localise(service, ("name",), "cy")["name"].text == "Family Support Centre"
    row = queries.record_translations(coordinator, kind=service_kind, record=service, language="cy")[0]
    assert row.outdated
    services.unpublish(actor=coordinator, translation=row.translation)
    with pytest.raises(services.TranslationRefused, match="original has changed"):
        services.publish(actor=coordinator, translation=row.translation)


def test_publish_every_reviewed_translation_of_a_record(coordinator, second_coordinator, service, service_kind):
    for field, text in (("name", "Hyb"), ("description", "Help i deuluoedd.")):
        services.review(actor=second_coordinator, translation=_save(coordinator, service, service_kind, text, field))
    assert services.publish_reviewed(actor=coordinator, kind=service_kind, record=service, language="cy") == 2
    assert set(queries.published_for_records([service], ["name", "description"], "cy")[str(service.pk)]) == {
        "name",
        "description",
    }


def test_the_overview_counts_fields_by_state(coordinator, second_coordinator, service, service_kind):
    _publish(coordinator, second_coordinator, service, service_kind, field="name", text="Hyb")
    _page, totals = queries.overview(coordinator, kind=service_kind, language="cy")
    assert totals["published"] == 1
    assert totals["missing"] == 2  # description and application process have words and no translation
    missing, _totals = queries.overview(coordinator, kind=service_kind, language="cy", status="missing")
    assert [r.record for r in missing.object_list] == [service]
