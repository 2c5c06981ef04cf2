"""The staff translation pages, and the public service page in Welsh."""

from __future__ import annotations

from django.urls import reverse

from upstream.translation import services
from upstream.translation.models import Status, Translation


def test_staff_pages_answer_for_the_coordinator(signed_in, coordinator, service):
    client = signed_in(coordinator)
    index = client.get(reverse("translation:index"), {"language": "cy", "status": "missing"})
    assert index.status_code == 200
    assert "Family Support Hub" in index.content.decode()
    record = client.get(reverse("translation:record", args=["directory.service", service.pk, "cy"]))
    body = record.content.decode()
    assert record.status_code == 200
    assert 'lang="cy"' in body  # the translation box is marked Welsh
    assert client.get(reverse("translation:languages")).status_code == 200


def test_an_officer_cannot_open_them(signed_in, officer, service):
    client = signed_in(officer)
    assert client.get(reverse("translation:index")).status_code == 403
    assert client.get(reverse("translation:record", args=["directory.service", service.pk, "cy"])).status_code == 403


def test_unknown_records_and_languages_are_not_found(signed_in, coordinator, service):
    client = signed_in(coordinator)
    assert client.get(reverse("translation:record", args=["directory.service", "not-a-uuid", "cy"])).status_code == 404
    assert client.get(reverse("translation:record", args=["directory.service", service.pk, "xx"])).status_code == 404
    assert client.get(reverse("translation:record", args=["people.person", service.pk, "cy"])).status_code == 404


def test_save_review_and_publish_through_the_page(signed_in, client, coordinator, second_coordinator, service):
    url = reverse("translation:record", args=["directory.service", service.pk, "cy"])
    signed_in(coordinator)
    response = client.post(url, {"field": "name", "action": "save", "text": "Hyb Cymorth i Deuluoedd"})
    assert response.status_code == 302
    refused = client.post(url, {"field": "name", "action": "review", "text": ""})
    assert refused.status_code == 400
    assert "Someone other than the translator" in refused.content.decode()
    empty = client.post(url, {"field": "description", "action": "save", "text": " "})
    assert empty.status_code == 400
    assert "Enter the translation" in empty.content.decode()
    client.logout()
    signed_in(second_coordinator)
    client.post(url, {"field": "name", "action": "review", "text": ""})
    client.post(url, {"field": "name", "action": "publish", "text": ""})
    assert Translation.objects.get(field="name").status == Status.PUBLISHED


def test_adding_a_language_on_the_page(signed_in, coordinator):
    client = signed_in(coordinator)
    bad = client.post(reverse("translation:languages"), {"code": "klingonish"})
    assert bad.status_code == 400
    assert "ISO 639" in bad.content.decode()
    assert client.post(reverse("translation:languages"), {"code": "pl"}).status_code == 302


def test_the_public_welsh_page_shows_published_words_and_marks_the_rest_english(
    client, coordinator, second_coordinator, service, service_kind
):
    row = services.save_translation(
        actor=coordinator,
        kind=service_kind,
        record=service,
        field="name",
        language="cy",
        text="Hyb Cymorth i Deuluoedd",
    )
    services.review(actor=second_coordinator, translation=row)
    services.publish(actor=second_coordinator, translation=row)
    services.save_translation(
        actor=coordinator, kind=service_kind, record=service, field="description", language="cy", text="Drafft"
    )
    client.cookies["upstream_language"] = "cy"
    body = client.get(reverse("directory:service", args=[service.pk]), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<h1 class="govuk-heading-xl">Hyb Cymorth i Deuluoedd</h1>' in body
    assert '<p class="govuk-body-l" lang="en">Help for families under pressure.</p>' in body
    assert "Drafft" not in body
    assert '<span lang="en">Phone us or drop in.</span>' in body
    client.cookies["upstream_language"] = "en"
    english = client.get(reverse("directory:service", args=[service.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 class="govuk-heading-xl">Family Support Hub</h1>' in english
    assert 'lang="en">Help for families' not in english


def test_search_results_in_welsh_show_published_names_and_mark_the_rest_english(
    client, coordinator, second_coordinator, service, service_kind
):
    from upstream.directory.services import refresh_service_index

    refresh_service_index(service=service)
    row = services.save_translation(
        actor=coordinator,
        kind=service_kind,
        record=service,
        field="name",
        language="cy",
        text="Hyb Cymorth i Deuluoedd",
    )
    services.review(actor=second_coordinator, translation=row)
    services.publish(actor=second_coordinator, translation=row)
    client.cookies["upstream_language"] = "cy"
    body = client.get(reverse("directory:search"), {"need": "parenting"}).content.decode()
    assert ">Hyb Cymorth i Deuluoedd</a>" in body
    assert 'lang="en">Help for families under pressure.</p>' in body
