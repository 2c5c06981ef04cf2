import datetime as dt

import pytest
from django.urls import reverse

from upstream.core.audit import AuditTag
from upstream.core.models import AccessGrant, AuditEvent
from upstream.people import services
from upstream.people.models import Person

pytestmark = pytest.mark.django_db


def events(tag):
    return list(AuditEvent.objects.filter(tag=tag).order_by("sequence"))


def test_the_people_list_shows_our_people_and_audits_one_consultation_naming_them(
    signed_in, officer, make_person, caseworker
):
    ours = [make_person(officer, surname="Durbeyfield"), make_person(officer, forenames="Angel", surname="Clare")]
    make_person(caseworker, surname="Henchard", legal_regime="uk_gdpr")
    response = signed_in(officer).get(reverse("people:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Durbeyfield" in body
    assert "Clare" in body
    assert "Henchard" not in body  # held by the council, not shared
    [event] = events(AuditTag.PEOPLE_PERSON_LIST)
    assert sorted(event.detail["ids"]) == sorted(p.pk for p in ours)
    assert event.operation == "consultation"


def test_search_narrows_the_list_without_logging_the_words(signed_in, officer, make_person):
    make_person(officer, surname="Durbeyfield")
    make_person(officer, forenames="Angel", surname="Clare", postcode="DT2 8AA")
    body = signed_in(officer).get(reverse("people:list"), {"q": "angel dt2"}).content.decode()
    assert "Clare" in body
    assert "Durbeyfield" not in body
    [event] = events(AuditTag.PEOPLE_PERSON_LIST)
    assert event.detail["searched"] is True
    assert "angel" not in str(event.detail).lower()


def test_viewing_a_person_writes_one_consultation_event(signed_in, officer, person):
    before = AuditEvent.objects.count()
    response = signed_in(officer).get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert "Durbeyfield" in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.tag, event.operation, event.object_id, event.actor_label) == (
        AuditTag.PEOPLE_PERSON_VIEW,
        "consultation",
        str(person.pk),
        "officer",
    )


def test_a_person_held_elsewhere_looks_exactly_like_no_person(signed_in, caseworker, person):
    client = signed_in(caseworker)
    held_elsewhere = client.get(reverse("people:detail", args=[person.pk]))
    missing = client.get(reverse("people:detail", args=[person.pk + 1000]))
    assert held_elsewhere.status_code == missing.status_code == 404
    assert "Durbeyfield" not in held_elsewhere.content.decode()
    assert not events(AuditTag.PEOPLE_PERSON_VIEW)


def test_a_person_shared_with_a_partner_is_visible_to_its_caseworkers(
    signed_in, supervisor, caseworker, person, council
):
    services.share_person(actor=supervisor, person=person, organisation=council, purpose="early help")
    client = signed_in(caseworker)
    assert "Durbeyfield" in client.get(reverse("people:list")).content.decode()
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Durbeyfield" in body
    assert reverse("people:edit", args=[person.pk]) not in body  # may read, not change
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 403


def test_an_expired_or_revoked_share_no_longer_reaches_the_partner(signed_in, supervisor, caseworker, person, council):
    grant = services.share_person(actor=supervisor, person=person, organisation=council, purpose="early help")
    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    client = signed_in(caseworker)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=None, revoked_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_adding_a_person_through_the_form(signed_in, officer):
    response = signed_in(officer).post(
        reverse("people:add"),
        {
            "forenames": "Tess",
            "surname": "Durbeyfield",
            "dob_month": "6",
            "dob_year": "2007",
            "sex": "F",
            "postcode": "dt1 1aa",
            "legal_regime": "law_enforcement",
            "purpose": "missing person enquiry",
            "retention_class": "casework",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.date_of_birth, person.date_of_birth_precision) == (dt.date(2007, 6, 1), "month")
    assert person.controller == officer.organisation
    assert events(AuditTag.PEOPLE_PERSON_CREATE)


def test_the_add_form_shows_errors_and_saves_nothing(signed_in, officer):
    response = signed_in(officer).post(
        reverse("people:add"), {"surname": "", "dob_day": "31", "dob_month": "2", "dob_year": "2001"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter the person&#39;s last name" in body
    assert "Date of birth must be a real date" in body
    assert "Error:" in body  # the page title says so too
    assert not Person.objects.exists()


def test_the_add_form_renders(signed_in, officer):
    response = signed_in(officer).get(reverse("people:add"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="dob_year"' in body
    assert "Law-enforcement processing" in body


def test_editing_audits_an_alteration_naming_the_fields_but_not_the_values(signed_in, officer, person):
    client = signed_in(officer)
    form = client.get(reverse("people:edit", args=[person.pk]))
    assert form.status_code == 200
    assert 'value="Durbeyfield"' in form.content.decode()
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {
            "forenames": "Tess",
            "surname": "d'Urberville",
            "sex": "U",
            "postcode": "DT1 1AA",
            "phone": "07700 900999",
            "legal_regime": "law_enforcement",
            "purpose": "missing person enquiry",
            "retention_class": "casework",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.surname == "d'Urberville"
    [event] = events(AuditTag.PEOPLE_PERSON_UPDATE)
    assert event.operation == "alteration"
    assert event.detail == {"fields": ["phone", "surname"]}
    assert "Urberville" not in str(event.detail)
    assert "900999" not in str(event.detail)


def test_sharing_through_the_form(signed_in, supervisor, person, council):
    client = signed_in(supervisor)
    assert "Casterbridge Council" in client.get(reverse("people:share", args=[person.pk])).content.decode()
    response = client.post(
        reverse("people:share", args=[person.pk]),
        {
            "organisation": council.pk,
            "purpose": "early help",
            "agreement": "ISA 7",
            "expires_year": "2099",
            "expires_month": "1",
            "expires_day": "31",
        },
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.granted_to_organisation_id == council.pk
    assert grant.expires_at.date() in {dt.date(2099, 1, 31), dt.date(2099, 2, 1)}
    [event] = events(AuditTag.PEOPLE_PERSON_SHARE)
    assert "Casterbridge Council" in event.recipient
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Shared with" in body
    assert "ISA 7" in body


def test_erasing_asks_for_confirmation_first(signed_in, supervisor, person):
    client = signed_in(supervisor)
    assert client.get(reverse("people:erase", args=[person.pk])).status_code == 200
    refused = client.post(reverse("people:erase", args=[person.pk]), {"reason": "retention period ended"})
    assert refused.status_code == 400
    person.refresh_from_db()
    assert not person.is_erased
    done = client.post(reverse("people:erase", args=[person.pk]), {"reason": "retention period ended", "confirm": "on"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.is_erased
    body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Durbeyfield" not in body
    assert f"Erased person {person.pk}" in body


def test_who_has_looked_at_this_person(signed_in, client, officer, supervisor, person):
    signed_in(officer).get(reverse("people:detail", args=[person.pk]))
    signed_in(officer).get(reverse("people:list"))
    client.logout()
    response = signed_in(supervisor).get(reverse("people:access-log", args=[person.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Who has looked at this person" in body
    assert "officer" in body
    assert "Looked at" in body
    assert "Saw in a list" in body
    assert "Added" in body
    assert "Wessex Police" in body
    # The supervisor's reading of the log is itself logged.
    assert AuditEvent.objects.order_by("-sequence").first().tag == AuditTag.CORE_AUDIT_VIEW


def test_the_access_log_matches_list_ids_exactly_so_12_is_not_found_in_123(officer, supervisor, person):
    from upstream.core import audit
    from upstream.people import queries

    # A list that showed someone whose id merely contains this person's id as digits.
    audit.record(
        actor=officer,
        tag=AuditTag.PEOPLE_PERSON_LIST,
        object_type="people.person",
        detail={"ids": [person.pk * 10 + 3, 10 * person.pk]},
    )
    assert AuditTag.PEOPLE_PERSON_LIST not in [e.tag for e in queries.person_access_log(supervisor, person)]
    queries.list_people(officer)
    assert AuditTag.PEOPLE_PERSON_LIST in [e.tag for e in queries.person_access_log(supervisor, person)]


def test_people_appears_in_the_navigation_and_on_home_for_officers_only(signed_in, client, officer, make_user, force):
    body = signed_in(officer).get(reverse("core:home")).content.decode()
    assert reverse("people:list") in body
    client.logout()
    admin = make_user("admin", force, "administrator")
    body = signed_in(admin).get(reverse("core:home")).content.decode()
    assert reverse("people:list") not in body


def test_the_list_pages_and_audits_only_the_people_on_the_page_shown(signed_in, officer, make_person, monkeypatch):
    from upstream.people import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    people = [make_person(officer, surname=f"Person{n}") for n in range(5)]
    client = signed_in(officer)
    first = client.get(reverse("people:list"))
    second = client.get(reverse("people:list"), {"page": "2"})
    assert "Person0" in first.content.decode()
    assert "Person0" not in second.content.decode()
    assert "Person2" in second.content.decode()
    assert 'rel="next"' in first.content.decode()
    first_event, second_event = events(AuditTag.PEOPLE_PERSON_LIST)
    assert first_event.detail["ids"] == [people[0].pk, people[1].pk]
    assert second_event.detail["ids"] == [people[2].pk, people[3].pk]
    assert client.get(reverse("people:list"), {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (("", "", "1987"), (dt.date(1987, 1, 1), "year")),
        (("", "6", "1987"), (dt.date(1987, 6, 1), "month")),
        (("14", "6", "1987"), (dt.date(1987, 6, 14), "day")),
        (("", "", ""), (None, "")),
    ],
)
def test_a_date_of_birth_may_be_partly_known(signed_in, officer, dob, expected):
    day, month, year = dob
    response = signed_in(officer).post(
        reverse("people:add"),
        {
            "surname": "Durbeyfield",
            "dob_day": day,
            "dob_month": month,
            "dob_year": year,
            "sex": "U",
            "legal_regime": "law_enforcement",
            "purpose": "missing person enquiry",
            "retention_class": "casework",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.date_of_birth, person.date_of_birth_precision) == expected


@pytest.mark.parametrize(
    ("dob", "message"),
    [
        (("14", "", "1987"), "must include a month"),
        (("14", "6", ""), "must include a year"),
        (("", "", "87"), "4 numbers"),
        (("1", "1", "2999"), "in the past"),
    ],
)
def test_an_impossible_date_of_birth_is_explained(signed_in, officer, dob, message):
    day, month, year = dob
    response = signed_in(officer).post(
        reverse("people:add"),
        {
            "surname": "Durbeyfield",
            "dob_day": day,
            "dob_month": month,
            "dob_year": year,
            "sex": "U",
            "legal_regime": "law_enforcement",
            "purpose": "p",
            "retention_class": "casework",
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_sharing_until_a_past_day_is_refused(signed_in, supervisor, person, council):
    response = signed_in(supervisor).post(
        reverse("people:share", args=[person.pk]),
        {
            "organisation": council.pk,
            "purpose": "early help",
            "expires_day": "1",
            "expires_month": "1",
            "expires_year": "2020",
        },
    )
    assert response.status_code == 400
    assert "today or in the future" in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_an_erased_person_cannot_be_edited_through_the_pages(signed_in, supervisor, person):
    services.erase_person(actor=supervisor, person=person, reason="retention period ended")
    client = signed_in(supervisor)
    response = client.get(reverse("people:edit", args=[person.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:detail", args=[person.pk])
    assert "cannot be changed" in response.content.decode()
    assert reverse("people:edit", args=[person.pk]) not in response.content.decode()
