"""Who a service or programme is for: sex, age and client groups from its profile, with a reasoned override."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from upstream.core.models import AuditEvent
from upstream.referrals import services
from upstream.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def victims_service(service):
    service.client_groups = ["victim", "family"]
    service.save()
    return service


def test_a_service_open_to_anyone_takes_anyone(make_referral):
    referral = make_referral()
    assert (referral.eligibility_problems, referral.eligibility_override_reason) == ([], "")


def test_a_person_outside_the_client_groups_is_refused_without_a_reason(make_referral, victims_service):
    with pytest.raises(ValidationError) as refused:
        make_referral(target=victims_service, client_groups=["offender"])
    assert refused.value.code == "not_eligible"
    assert "Victims of crime, Families" in refused.value.messages[0]
    assert not Referral.objects.exists()
    # Saying nothing about the person's group is refused the same way: the referrer must say.
    with pytest.raises(ValidationError):
        make_referral(target=victims_service)


def test_a_person_in_one_of_the_groups_is_referred(make_referral, victims_service):
    referral = make_referral(target=victims_service, client_groups=["family", "adult"])
    assert referral.client_groups == ["adult", "family"]
    assert referral.eligibility_problems == []


def test_an_override_with_a_reason_is_kept_shown_and_audited(make_referral, victims_service, officer, signed_in):
    referral = make_referral(
        target=victims_service, client_groups=["offender"], eligibility_override_reason="Also a victim of DA"
    )
    assert referral.eligibility_override_reason == "Also a victim of DA"
    assert len(referral.eligibility_problems) == 1
    event = AuditEvent.objects.get(tag="referrals:referral:create", object_id=str(referral.pk))
    assert event.detail["eligibility_override"] is True
    page = signed_in(officer).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Outside who it is for" in page
    assert "Also a victim of DA" in page


def test_sex_and_age_from_the_directory_profile(make_referral, service, person):
    service.eligibility_sex = "male"
    service.save()
    with pytest.raises(ValidationError, match="men and boys only"):
        make_referral()
    service.eligibility_sex = ""
    service.minimum_age, service.maximum_age = 11, 18
    service.save()
    with pytest.raises(ValidationError, match="aged 18 or under"):
        make_referral()
    person.date_of_birth = timezone.localdate() - dt.timedelta(days=365 * 15)
    person.save()
    assert make_referral().eligibility_problems == []


def test_an_unknown_sex_or_birth_date_is_left_to_the_receiver(make_referral, service, person):
    service.eligibility_sex = "male"
    service.minimum_age = 50
    service.save()
    person.sex, person.date_of_birth = "U", None
    person.save()
    assert make_referral().eligibility_problems == []


def test_programme_rules_apply_to_referrals_too(make_referral, programme):
    programme.eligible_sex = "M"
    programme.client_groups = ["offender"]
    programme.save()
    with pytest.raises(ValidationError) as refused:
        make_referral(target=programme, client_groups=["offender"])
    assert "men and boys only" in refused.value.messages[0]
    referral = make_referral(target=programme, client_groups=["offender"], eligibility_override_reason="Court order")
    assert referral.eligibility_problems


def test_unknown_client_groups_are_refused(make_referral):
    with pytest.raises(ValidationError, match="client groups from the list"):
        make_referral(client_groups=["martian"])


def test_the_form_asks_for_the_groups_and_puts_the_refusal_by_the_reason_box(
    signed_in, officer, victims_service, person
):
    client = signed_in(officer)
    url = f"/referrals/new/?service={victims_service.pk}&person={person.pk}"
    page = client.get(url).content.decode()
    assert "Which of these is the person?" in page
    assert "Victims of crime" in page
    body = {
        "service": str(victims_service.pk),
        "person_id": person.pk,
        "reason": "Needs support",
        "urgency": "routine",
        "source_kind": "other",
        "client_groups": ["offender"],
    }
    refused = client.post("/referrals/new/", body)
    assert refused.status_code == 400
    assert 'href="#eligibility_override_reason"' in refused.content.decode()
    assert client.post("/referrals/new/", {**body, "eligibility_override_reason": "Victim too"}).status_code == 302
    assert Referral.objects.get().eligibility_override_reason == "Victim too"


def test_the_api_refuses_with_422_and_accepts_an_override(make_user, council, victims_service, client):
    _key_record, key = services.create_api_key(organisation=council, name="Case system", created_by_label="test")
    body = {
        "person": {"forenames": "Ann", "surname": "Ledbetter", "sex": "F"},
        "service_id": str(victims_service.pk),
        "reason": "Support",
        "client_groups": ["offender"],
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    refused = client.post("/api/referrals/", body, content_type="application/json", **headers)
    assert refused.status_code == 422
    body["eligibility_override_reason"] = "Known to us as a victim"
    made = client.post("/api/referrals/", body, content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    assert made.json()["eligibility_override_reason"] == "Known to us as a victim"
    assert made.json()["client_groups"] == ["offender"]


def test_the_referral_takes_the_area_of_the_persons_household_for_statistics(make_referral, officer, person):
    from upstream.people import services as people_services
    from upstream.places.models import Area, AreaLevel

    ward = Area.objects.create(level=AreaLevel.WARD, code="E05000077", name="Mixen Lane")
    household = people_services.create_household(actor=officer, address_line_1="3 Mixen Lane", area=ward)
    people_services.add_household_member(actor=officer, household=household, person=person)
    assert make_referral().area == ward
