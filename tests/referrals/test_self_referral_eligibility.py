"""Self-referrals are checked against whom the service or programme is for, with no override for the public.

Someone outside the rules is told kindly what the service is for, offered services and programmes that take
self-referrals and fit them, the directory and the service's own number, and nothing they typed is stored or
repeated back.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from upstream.directory.models import Phone, Service
from upstream.referrals import queries, services
from upstream.referrals.models import Programme, ReceivingService, Referral

pytestmark = pytest.mark.django_db

ASK = "/referrals/ask-for-help/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _receiving(service, organisation, *, self_referrals=True):
    ReceivingService.objects.create(service=service, organisation=organisation, accepts_self_referrals=self_referrals)
    return service


@pytest.fixture
def young_women(council):
    """A service for young women aged 16 to 25, taking self-referrals, with its own phone number."""
    service = Service.objects.create(
        name="Young Women's Project",
        need_categories=["mental-health"],
        eligibility_sex="female",
        minimum_age=16,
        maximum_age=25,
        client_groups=["young_person"],
    )
    Phone.objects.create(service=service, number="01632 960123")
    return _receiving(service, council)


@pytest.fixture
def others(council, charity):
    """Other services taking self-referrals or not: only "Open Door" fits a woman of 40 with the same need."""
    return {
        "open": _receiving(Service.objects.create(name="Open Door", need_categories=["mental-health"]), charity),
        "men": _receiving(
            Service.objects.create(name="Men's Shed", need_categories=["mental-health"], eligibility_sex="male"),
            charity,
        ),
        "no_self": _receiving(
            Service.objects.create(name="Referral Only Clinic", need_categories=["mental-health"]),
            charity,
            self_referrals=False,
        ),
        "other_need": _receiving(Service.objects.create(name="Debt Line", need_categories=["debt"]), charity),
    }


def body(service, **overrides):
    return {
        "service": str(service.pk),
        "contact_name": "Arabella Donn",
        "contact_phone": "07700 900123",
        "reason": "Feeling low since the flood",
        "age": "19",
        "sex": "F",
        "client_groups": ["young_person"],
        "agree": "on",
        **overrides,
    }


def test_the_form_says_whom_the_service_is_for_and_asks_only_what_that_turns_on(client, young_women, self_service):
    page = client.get(ASK, {"service": young_women.pk}).content.decode()
    assert "Who it is for" in page
    assert "Ages 16 to 25" in page
    assert "Women and girls only" in page
    assert "For: Young people" in page
    assert 'name="age"' in page
    assert 'name="sex"' in page
    assert 'name="client_groups"' in page
    assert "None of these" in page
    assert 'name="age_band"' not in page
    # A service open to anyone asks none of it, only the optional age band.
    open_page = client.get(ASK, {"service": self_service.pk}).content.decode()
    assert 'name="age_band"' in open_page
    for field in ('name="age"', 'name="sex"', 'name="client_groups"', "Who it is for"):
        assert field not in open_page


def test_someone_who_fits_is_referred_with_their_answers_kept_for_the_statistics(client, young_women, caseworker):
    response = client.post(ASK, body(young_women))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.person_sex, referral.person_age_band, referral.client_groups) == ("F", "18-24", ["young_person"])
    assert referral.eligibility_problems == []
    assert referral.eligibility_override_reason == ""


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"age": "40"}, "The service is for people aged 25 or under."),
        ({"age": "14"}, "The service is for people aged 16 or over."),
        ({"sex": "M"}, "The service is for women and girls only."),
        ({"client_groups": ["none"]}, "It is for: Young people."),
    ],
)
def test_someone_outside_the_rules_is_told_kindly_and_nothing_is_stored(client, young_women, others, answers, expected):
    response = client.post(ASK, body(young_women, **answers))
    assert response.status_code == 200
    page = response.content.decode()
    assert "may not be the right place for you" in page
    assert expected in page
    assert "We have not sent your request, and we have not kept the details you gave." in page
    assert not Referral.objects.exists()
    # What to do instead: the service's own number, the directory, and 999 in danger.
    assert "01632 960123" in page
    assert f"/directory/services/{young_women.pk}/" in page
    assert 'href="/directory/?need=mental-health"' in page
    assert "call 999" in page
    # Nothing they typed is repeated back.
    for typed in ("Arabella", "07700 900123", "Feeling low"):
        assert typed not in page


def test_the_alternatives_take_self_referrals_help_with_the_same_need_and_fit_the_person(client, young_women, others):
    page = client.post(ASK, body(young_women, age="40")).content.decode()
    assert f"{ASK}?service={others['open'].pk}" in page
    assert "Ask Open Door for help" in page
    for name in ("men", "no_self", "other_need"):
        assert str(others[name].pk) not in page
    assert str(young_women.pk) not in page.split('id="alternatives"')[1].split("</ul>")[0]


def test_the_alternatives_follow_the_needs_the_person_ticked(young_women, others):
    found = queries.self_referral_alternatives(service=young_women, sex="F", age=40, needs=("debt",))
    assert [a.name for a in found] == ["Debt Line"]
    found = queries.self_referral_alternatives(service=young_women, sex="M", age=40)
    assert [a.name for a in found] == ["Men's Shed", "Open Door"]


def test_a_programme_that_fits_is_offered_as_an_alternative(young_women, council):
    Programme.objects.create(
        name="Mind Matters Course",
        organisation=council,
        places=10,
        starts_on=dt.date(2025, 1, 1),
        need_categories=["mental-health"],
        accepts_self_referrals=True,
        minimum_age=30,
    )
    assert [a.name for a in queries.self_referral_alternatives(service=young_women, age=40)] == ["Mind Matters Course"]
    assert queries.self_referral_alternatives(service=young_women, age=20) == []


def test_another_way_or_rather_not_say_is_left_to_the_service_as_an_unknown_sex_is(client, young_women):
    assert client.post(ASK, body(young_women, sex="X")).status_code == 302
    assert Referral.objects.get().person_sex == "X"


def test_the_questions_the_rules_turn_on_must_be_answered(client, young_women):
    response = client.post(ASK, body(young_women, age="", sex="", client_groups=[]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter your age in years, so we can check the service is for you" in page
    assert "Choose female, male, or another way or rather not say" in page
    assert "Choose the groups you are in, or None of these" in page
    response = client.post(ASK, body(young_women, age="nineteen", client_groups=["none", "young_person"]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter your age in years as a number, from 0 to 120" in page
    assert "Choose the groups you are in, or None of these, not both" in page
    assert "nineteen" not in page.split("govuk-error-summary")[1].split("</div>")[0]
    assert not Referral.objects.exists()


def test_the_service_function_refuses_without_an_override_and_stores_nothing(young_women):
    common = {"service": young_women, "reason": "help", "contact_name": "A", "contact_phone": "1"}
    with pytest.raises(services.NotEligibleError) as refused:
        services.create_self_referral(**common, sex="F", age=30, client_groups=["young_person"])
    assert refused.value.problems == ["The service is for people aged 25 or under."]
    assert refused.value.code == "not_eligible"
    with pytest.raises(ValidationError) as missing:
        services.create_self_referral(**common, sex="F", client_groups=["young_person"])
    assert missing.value.code == "age"
    with pytest.raises(ValidationError) as unanswered:
        services.create_self_referral(**common, age=20, client_groups=["young_person"])
    assert unanswered.value.code == "sex"
    with pytest.raises(ValidationError) as bad:
        services.create_self_referral(**common, sex="F", age=20, client_groups=["astronaut"])
    assert bad.value.code == "client_groups"
    assert not Referral.objects.exists()


def test_a_programme_checks_its_rules_and_its_end_and_points_to_its_organiser(client, council):
    programme = Programme.objects.create(
        name="Second Chances",
        organisation=council,
        places=5,
        starts_on=dt.date(2025, 1, 1),
        minimum_age=18,
        eligible_sex="M",
        accepts_self_referrals=True,
    )
    form = {"programme": programme.pk, "contact_name": "Jude", "contact_phone": "1", "reason": "r", "agree": "on"}
    page = client.post(ASK, {**form, "age": "17", "sex": "M"}).content.decode()
    assert "The programme is for people aged 18 or over." in page
    assert "Contact Casterbridge Council, who run it" in page
    assert client.post(ASK, {**form, "age": "30", "sex": "M"}).status_code == 302
    programme.ends_on = dt.date(2025, 6, 1)
    programme.save()
    assert "The programme has ended." in client.post(ASK, {**form, "age": "30", "sex": "M"}).content.decode()
    assert Referral.objects.count() == 1


@pytest.fixture
def self_service(service):
    ReceivingService.objects.filter(service=service).update(accepts_self_referrals=True)
    return service
