"""Turning a trigger into a referral package, through the referrals service; no child is referred twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from signing_in import sign_in
from upstream.accounts.models import Organisation, OrganisationKind
from upstream.core.models import AuditEvent
from upstream.people.models import Person
from upstream.referrals.models import Programme, SourceKind, Status
from upstream.triggers import services
from upstream.triggers.models import Trigger, TriggerStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    council = Organisation.objects.create(name="Calder Council", kind=OrganisationKind.COUNCIL)
    return Programme.objects.create(
        name="Family Support", organisation=council, places=5, starts_on=dt.date(2025, 1, 1)
    )


def test_a_supervisor_turns_a_trigger_into_a_prefilled_draft_referral(loaded, supervisor, programme):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    reason = services.referral_reason(trigger)
    assert "Domestic abuse in the household" in reason
    assert "E01" not in reason, "event detail stays in Upstream"
    done = services.refer_trigger(
        actor=supervisor, trigger=trigger, expected_version=trigger.version, reason=reason, programme=programme
    )
    assert done.status == TriggerStatus.REFERRED
    referral = done.referral
    assert referral.status == Status.DRAFT
    assert referral.source_kind == SourceKind.TRIGGER
    assert referral.source_reference == trigger.reference
    assert referral.reason == reason
    person = referral.person
    assert person.resolved_person_id == "R_C1"
    assert person.controller_id == supervisor.organisation_id
    assert person.date_of_birth == trigger.date_of_birth
    tags = set(AuditEvent.objects.values_list("tag", flat=True))
    assert {"referrals:referral:create", "people:person:link", "triggers:trigger:decide"} <= tags


def test_a_child_already_open_to_a_referral_is_shown_and_not_referred_twice(loaded, supervisor, programme, client):
    c1 = Trigger.objects.get(resolved_person_id="R_C1")
    services.refer_trigger(
        actor=supervisor, trigger=c1, expected_version=c1.version, reason="Family support", programme=programme
    )
    # The same child found again under another organisation's record is not the case here; a second trigger
    # for the same person cannot exist, so check the page and the queue say so, and a second referral is refused.
    sign_in(client, supervisor)
    page = client.get(reverse("triggers:detail", args=[c1.pk])).content.decode()
    assert "already open to a partner referral" in page
    queue = client.get(reverse("triggers:queue") + "?status=referred").content.decode()
    assert "Open to a referral" in queue
    with pytest.raises(ValidationError):
        services.refer_trigger(
            actor=supervisor, trigger=c1, expected_version=Trigger.objects.get(pk=c1.pk).version, reason="x",
            programme=programme,
        )  # fmt: skip


def test_a_child_with_an_open_referral_made_elsewhere_in_the_organisation_is_refused(loaded, supervisor, programme):
    from upstream.people import services as people_services
    from upstream.referrals import services as referral_services

    person = people_services.create_person(
        actor=supervisor, legal_regime="law_enforcement", purpose="casework", retention_class="casework",
        forenames="Known", surname="Child",
    )  # fmt: skip
    people_services.link_person(actor=supervisor, person=person, resolved_person_id="R_C2")
    referral_services.create_referral(actor=supervisor, person=person, reason="Already referred", programme=programme)
    c2 = Trigger.objects.get(resolved_person_id="R_C2")
    with pytest.raises(ValidationError, match="already open"):
        services.refer_trigger(
            actor=supervisor, trigger=c2, expected_version=c2.version, reason="again", programme=programme
        )
    assert Person.objects.filter(resolved_person_id="R_C2").count() == 1


def test_an_analyst_reviews_but_cannot_refer(loaded, analyst, programme, client):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    sign_in(client, analyst)
    page = client.get(reverse("triggers:detail", args=[trigger.pk])).content.decode()
    assert "Mark as reviewed" in page
    assert "Make a draft referral" not in page
    response = client.post(
        reverse("triggers:decide", args=[trigger.pk, "refer"]),
        {"version": trigger.version, "target": f"programme:{programme.pk}", "reason": "x"},
    )
    assert response.status_code == 404
    assert Trigger.objects.get(pk=trigger.pk).status == TriggerStatus.NEW


def test_the_refer_form_makes_the_draft_and_goes_to_it(loaded, supervisor, programme, client):
    trigger = Trigger.objects.get(resolved_person_id="R_C1")
    sign_in(client, supervisor)
    page = client.get(reverse("triggers:detail", args=[trigger.pk])).content.decode()
    assert "Programme: Family Support" in page
    response = client.post(
        reverse("triggers:decide", args=[trigger.pk, "refer"]),
        {"version": trigger.version, "target": f"programme:{programme.pk}", "reason": "Pre-filled reason"},
    )
    trigger.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[trigger.referral_id])
