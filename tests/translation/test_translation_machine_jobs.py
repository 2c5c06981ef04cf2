"""Machine drafts: asked for on the staff pages, made in the background against a local LibreTranslate-like server,
never over a person's words, and never published without review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from upstream.core.models import AuditEvent
from upstream.translation import services
from upstream.translation.models import JobStatus, MachineJob, Source, Status, Translation


@pytest.mark.usefixtures("http_provider_settings")
def test_machine_drafts_for_every_record_missing_words(
    signed_in, coordinator, service, service_kind, translation_server
):
    services.save_translation(
        actor=coordinator, kind=service_kind, record=service, field="name", language="cy", text="Hyb Teuluoedd"
    )
    client = signed_in(coordinator)
    response = client.post(reverse("translation:machine"), {"kind": "directory.service", "language": "cy"})
    job = MachineJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("translation:job", args=[job.pk])
    assert (job.status, job.done, job.total, job.fields_drafted, job.fields_skipped) == (
        JobStatus.FINISHED,
        1,
        1,
        2,
        1,
    )
    rows = {t.field: t for t in Translation.objects.all()}
    assert rows["name"].text == "Hyb Teuluoedd"  # the person's words stay
    assert rows["description"].text == "[cy] Help for families under pressure."
    assert (rows["description"].source, rows["description"].status) == (Source.MACHINE, Status.DRAFT)
    assert AuditEvent.objects.filter(tag="translation:machine:request").count() == 1
    assert AuditEvent.objects.filter(tag="translation:text:machine-draft", object_id=str(service.pk)).count() == 1
    page = client.get(reverse("translation:job", args=[job.pk]))
    assert "1 of 1 records done (100%)" in page.content.decode()
    # A machine draft is never published without a person's review; after one, it may be.
    with pytest.raises(services.TranslationRefused):
        services.publish(actor=coordinator, translation=rows["description"])
    services.review(actor=coordinator, translation=rows["description"])
    assert services.publish(actor=coordinator, translation=rows["description"]).status == Status.PUBLISHED


@pytest.mark.usefixtures("http_provider_settings")
def test_a_failing_service_stops_the_job_with_its_reason(signed_in, coordinator, service, translation_server):
    translation_server.behaviour = "error"
    client = signed_in(coordinator)
    client.post(
        reverse("translation:machine"), {"kind": "directory.service", "language": "cy", "object_id": str(service.pk)}
    )
    job = MachineJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "Invalid target language" in job.error
    assert not Translation.objects.exists()
    assert "Invalid target language" in client.get(reverse("translation:job", args=[job.pk])).content.decode()


def test_without_a_provider_asking_says_how_to_set_one_up(signed_in, coordinator, service, settings):
    settings.TRANSLATION_PROVIDER = "null"
    client = signed_in(coordinator)
    response = client.post(
        reverse("translation:machine"),
        {"kind": "directory.service", "language": "cy", "object_id": str(service.pk)},
        follow=True,
    )
    assert "No machine translation service is set up" in response.content.decode()
    assert not MachineJob.objects.exists()


@pytest.mark.usefixtures("http_provider_settings")
def test_a_new_machine_draft_replaces_an_out_of_date_one_only(coordinator, service, service_kind, translation_server):
    job = services.request_machine_drafts(
        actor=coordinator, kind=service_kind, object_ids=[str(service.pk)], language="cy"
    )
    assert MachineJob.objects.get(pk=job.pk).fields_drafted == 3
    service.description = "Help for families."
    service.save()
    job = services.request_machine_drafts(
        actor=coordinator, kind=service_kind, object_ids=[str(service.pk)], language="cy"
    )
    job.refresh_from_db()
    assert (job.fields_drafted, job.fields_skipped) == (1, 2)
    assert Translation.objects.get(field="description").text == "[cy] Help for families."
