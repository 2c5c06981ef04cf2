"""Referral pages render for the right roles, refuse the wrong ones, and work without JavaScript (plain forms)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from upstream.core.roles import Role
from upstream.referrals import services
from upstream.referrals.models import Notification, ReceivingService, Referral, Status

pytestmark = pytest.mark.django_db


def sent_referral(make_referral, officer):
    referral = make_referral()
    return services.send_referral(actor=officer, referral=referral, expected_version=referral.version)


def test_an_officer_makes_and_sends_a_referral_from_the_form(
    signed_in, officer, service, django_capture_on_commit_callbacks
):
    client = signed_in(officer)
    page = client.get(f"/referrals/new/?service={service.pk}")
    assert page.status_code == 200
    assert "Family Support Hub" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/referrals/new/",
            {
                "service": str(service.pk),
                "forenames": "Tess",
                "surname": "Durbeyfield",
                "sex": "F",
                "reason": "Needs parenting support",
                "needs": ["parenting"],
                "urgency": "soon",
                "source_kind": "call",
                "consent_basis": "consent",
                "consent_given_by": "person",
                "consent_day": "1",
                "consent_month": "3",
                "consent_year": "2026",
                "consent_scope": "share with the hub",
                "send_now": "on",
            },
        )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.status == Status.SENT
    assert referral.person.surname == "Durbeyfield"
    assert referral.need_categories == ["parenting"]


def test_sending_from_the_form_without_a_basis_is_refused_with_a_message(signed_in, officer, service):
    client = signed_in(officer)
    response = client.post(
        "/referrals/new/",
        {
            "service": str(service.pk),
            "surname": "Fawley",
            "reason": "x",
            "urgency": "routine",
            "source_kind": "other",
            "send_now": "on",
        },
    )
    assert response.status_code == 400
    assert "Record consent or the lawful basis before sending" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_receiver_sees_it_in_the_inbox_and_is_notified_by_email_and_in_app(
    signed_in, make_referral, officer, caseworker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = sent_referral(make_referral, officer)
    assert [m.to for m in mail.outbox] == [["caseworker@example.org"]]
    assert "Durbeyfield" not in mail.outbox[0].body  # no personal data by email
    assert Notification.objects.filter(recipient=caseworker, referral=referral).exists()
    client = signed_in(caseworker)
    inbox = client.get("/referrals/inbox/").content.decode()
    assert referral.reference in inbox
    detail = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Acknowledge" in detail
    assert "Durbeyfield" in detail
    assert referral.reference in client.get("/referrals/notifications/").content.decode()


def test_the_receiver_moves_it_through_the_page_and_a_stale_form_is_told(signed_in, make_referral, officer, caseworker):
    referral = sent_referral(make_referral, officer)
    client = signed_in(caseworker)
    url = f"/referrals/{referral.pk}/move/"
    client.post(url, {"to_status": "received", "version": referral.version})
    assert Referral.objects.get().status == Status.RECEIVED
    response = client.post(url, {"to_status": "accepted", "version": referral.version}, follow=True)
    assert "Someone else changed this referral first" in response.content.decode()
    assert Referral.objects.get().status == Status.RECEIVED


def test_a_caseworker_of_another_organisation_gets_404_on_the_referral(
    signed_in, make_referral, officer, charity_caseworker
):
    referral = sent_referral(make_referral, officer)
    client = signed_in(charity_caseworker)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert referral.reference not in client.get("/referrals/inbox/").content.decode()


def test_the_referrer_sees_the_status_in_the_sent_list(signed_in, make_referral, officer):
    referral = sent_referral(make_referral, officer)
    page = signed_in(officer).get("/referrals/sent/").content.decode()
    assert referral.reference in page
    assert "Sent" in page


@pytest.mark.parametrize(
    ("role", "path", "expected"),
    [
        (Role.SUPERVISOR, "/referrals/statistics/", 200),
        (Role.ANALYST, "/referrals/statistics/", 200),
        (Role.OFFICER, "/referrals/statistics/", 403),
        (Role.PARTNER_CASEWORKER, "/referrals/statistics/", 403),
        (Role.DIRECTORY_COORDINATOR, "/referrals/sent/", 403),
        (Role.ADMINISTRATOR, "/referrals/inbox/", 403),
        (Role.OFFICER, "/referrals/programmes/", 200),
        (Role.SUPERVISOR, "/referrals/statistics.csv", 200),
        (Role.OFFICER, "/referrals/statistics.csv", 403),
    ],
)
def test_pages_answer_by_role(signed_in, make_user, force, role, path, expected):  # noqa: PLR0917 - pytest fills these by name
    user = make_user(f"user-{role}", force, role)
    assert signed_in(user).get(path).status_code == expected


def test_the_statistics_page_shows_a_table_for_each_measure(signed_in, make_user, force, make_referral, officer):
    sent_referral(make_referral, officer)
    page = signed_in(make_user("boss", force, Role.SUPERVISOR)).get("/referrals/statistics/").content.decode()
    for key in (
        "programme",
        "service",
        "area",
        "sex",
        "age_band",
        "source",
        "status",
        "time_to_acceptance",
        "outcome",
        "decline_reason",
    ):
        assert f'id="table-{key}"' in page


def test_the_programme_page_shows_places_and_the_waiting_list_to_its_organisation(signed_in, programme, caseworker):
    page = signed_in(caseworker).get(f"/referrals/programmes/{programme.pk}/").content.decode()
    assert "Healthy Relationships" in page
    assert "Waiting list" in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/referrals/inbox/")
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


@pytest.fixture
def self_service(service):
    ReceivingService.objects.filter(service=service).update(accepts_self_referrals=True)
    return service


def self_body(service, **overrides):
    return {
        "service": str(service.pk),
        "contact_name": "Arabella Donn",
        "contact_phone": "07700 900123",
        "reason": "I need help with money",
        "agree": "on",
        **overrides,
    }


def test_a_member_of_the_public_refers_themselves(client, self_service, caseworker):
    cache.clear()
    assert client.get(f"/referrals/ask-for-help/?service={self_service.pk}").status_code == 200
    response = client.post("/referrals/ask-for-help/", self_body(self_service))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.status, referral.source_kind, referral.referring_organisation) == ("sent", "self_referral", None)
    assert referral.has_basis
    assert Notification.objects.filter(recipient=caseworker).exists()


def test_the_honeypot_stores_nothing_but_looks_the_same(client, self_service):
    cache.clear()
    response = client.post("/referrals/ask-for-help/", self_body(self_service, website="http://spam"))
    assert response.status_code == 302
    assert not Referral.objects.exists()


def test_errors_do_not_echo_personal_data_in_their_messages(client, self_service):
    cache.clear()
    response = client.post(
        "/referrals/ask-for-help/",
        self_body(self_service, contact_email="arabella-at-example", contact_phone="", reason=""),
    )
    assert response.status_code == 400
    summary = response.content.decode().split("govuk-error-summary")[1].split("</div>")[0]
    assert "arabella" not in summary.lower()


def test_self_referrals_are_rate_limited_and_size_limited(client, self_service):
    cache.clear()
    for _ in range(5):
        client.post("/referrals/ask-for-help/", self_body(self_service))
    assert client.post("/referrals/ask-for-help/", self_body(self_service)).status_code == 429
    assert Referral.objects.count() == 5
    cache.clear()
    big = client.post("/referrals/ask-for-help/", self_body(self_service, reason="x" * 30_000))
    assert big.status_code == 413


def test_a_service_that_takes_no_self_referrals_says_so(client, service):
    cache.clear()
    response = client.post("/referrals/ask-for-help/", self_body(service))
    assert response.status_code == 400
    assert "does not take self-referrals" in response.content.decode()


def test_the_running_organisation_completes_an_enrolment_and_the_queue_moves_up(
    signed_in, programme, caseworker, make_user, council
):
    from upstream.people import services as people_services
    from upstream.referrals.models import Enrolment

    people = [
        people_services.create_person(
            actor=caseworker, legal_regime="uk_gdpr", purpose="p", retention_class="casework", surname=f"P{i}"
        )
        for i in range(3)
    ]
    enrolments = [services.enrol_person(actor=caseworker, programme=programme, person=p) for p in people]
    client = signed_in(caseworker)
    page = client.get(f"/referrals/programmes/{programme.pk}/").content.decode()
    assert "P2" in page
    response = client.post(f"/referrals/enrolments/{enrolments[0].pk}/", {"action": "complete", "outcome": "goals_met"})
    assert response.status_code == 302
    assert Enrolment.objects.get(pk=enrolments[2].pk).status == "enrolled"


def test_another_organisation_cannot_touch_the_enrolments(signed_in, programme, caseworker, charity_caseworker):
    from upstream.people import services as people_services

    person = people_services.create_person(
        actor=caseworker, legal_regime="uk_gdpr", purpose="p", retention_class="casework", surname="Q"
    )
    enrolment = services.enrol_person(actor=caseworker, programme=programme, person=person)
    client = signed_in(charity_caseworker)
    page = client.get(f"/referrals/programmes/{programme.pk}/").content.decode()
    assert "Enrolments and waiting list" not in page
    assert client.post(f"/referrals/enrolments/{enrolment.pk}/", {"action": "withdraw"}).status_code == 404


def test_a_supervisor_adds_a_programme_and_an_officer_may_not(signed_in, supervisor, officer):
    from upstream.referrals.models import Programme

    assert signed_in(officer).get("/referrals/programmes/add/").status_code == 403
    client = signed_in(supervisor)
    bad = client.post(
        "/referrals/programmes/add/",
        {
            "name": "Course",
            "places": "10",
            "starts_on": "2026-01-01",
            "ends_on": "2025-01-01",
            "capacity_kind": "total",
            "acknowledge_within_days": "5",
        },
    )
    assert bad.status_code == 400
    assert "The end must be on or after the start" in bad.content.decode()
    response = client.post(
        "/referrals/programmes/add/",
        {
            "name": "Course",
            "places": "10",
            "starts_on": "2026-01-01",
            "capacity_kind": "total",
            "acknowledge_within_days": "5",
            "needs": ["debt"],
        },
    )
    programme = Programme.objects.get()
    assert response["Location"] == f"/referrals/programmes/{programme.pk}/"
    assert (programme.organisation, programme.places, programme.need_categories) == (
        supervisor.organisation,
        10,
        ["debt"],
    )
