"""Guides plug into translation without the translation package knowing them: their title, summary and body."""

from __future__ import annotations

from django.urls import reverse

from upstream.directory.models import Guide
from upstream.translation import registry, services


def test_guides_are_a_translatable_kind():
    kind = registry.get("directory.guide")
    assert kind is not None
    assert kind.field_names() == ["title", "summary", "body"]


def test_a_published_welsh_guide_title_and_body_show_on_the_welsh_page(client, coordinator, second_coordinator):
    guide = Guide.objects.create(
        slug="register-with-a-gp",
        title="Register with a GP",
        summary="How to join a doctor's surgery.",
        body="Find a surgery near you and fill in the form.",
        status=Guide.Status.PUBLISHED,
    )
    kind = registry.get("directory.guide")
    for field, text in (("title", "Cofrestru gyda meddyg teulu"), ("body", "Dewch o hyd i feddygfa gerllaw.")):
        row = services.save_translation(
            actor=coordinator, kind=kind, record=guide, field=field, language="cy", text=text
        )
        services.review(actor=second_coordinator, translation=row)
        services.publish(actor=second_coordinator, translation=row)
    client.cookies["upstream_language"] = "cy"
    body = client.get(reverse("directory:guide", args=[guide.slug])).content.decode()
    assert "<span>Cofrestru gyda meddyg teulu</span>" in body
    assert '<p class="govuk-body-l" lang="en">How to join a doctor&#39;s surgery.</p>' in body
    assert '<div lang="cy">' in body
    assert "Dewch o hyd i feddygfa gerllaw." in body


def test_a_guide_written_in_welsh_is_not_machine_translated_into_welsh(
    coordinator, http_provider_settings, translation_server
):
    guide = Guide.objects.create(slug="cymorth", title="Cymorth", body="Testun", language="cy")
    kind = registry.get("directory.guide")
    job = services.request_machine_drafts(actor=coordinator, kind=kind, object_ids=[str(guide.pk)], language="cy")
    job.refresh_from_db()
    assert job.fields_drafted == 0
    assert translation_server.requests == []
