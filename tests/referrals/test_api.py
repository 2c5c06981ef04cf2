"""The referrals API: per-organisation keys, create/list/get/move, ETag and If-Match, and the concurrency case."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from upstream.core.models import AuditEvent
from upstream.referrals import services
from upstream.referrals.models import ApiKey, Referral, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_key(council):
    _api_key, key = services.create_api_key(organisation=council, name="Council CMS", created_by_label="test")
    return key


@pytest.fixture
def force_key(force):
    from upstream.core.roles import Role

    api_key, key = services.create_api_key(organisation=force, name="Force RMS", created_by_label="test")
    # The force's case system refers people, so its account holds the officer's role as well.
    api_key.user.roles = [Role.OFFICER, Role.PARTNER_CASEWORKER]
    api_key.user.save()
    return key


def auth(key, **headers):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", **headers}


def body(service, **overrides):
    return {
        "person": {"forenames": "Jude", "surname": "Fawley", "date_of_birth": "2008-03-01", "sex": "M"},
        "service_id": str(service.pk),
        "reason": "Needs a mentor",
        "need_categories": ["youth-diversion"],
        "consent": {"given_by": "parent_guardian", "given_at": timezone.now().isoformat(), "scope": "mentoring"},
        "send": True,
        **overrides,
    }


def test_the_command_prints_a_key_once_and_stores_only_its_hash(council):
    out = io.StringIO()
    call_command("referrals", "create-api-key", "--organisation", council.name, stdout=out)
    key = next(line for line in out.getvalue().splitlines() if line.startswith("upk_"))
    stored = ApiKey.objects.get()
    assert key not in {stored.key_hash, stored.prefix}
    assert stored.key_hash == services.hash_api_key(key)
    assert services.user_for_api_key(key) == stored.user


def test_the_command_names_the_problem_for_an_unknown_organisation(council):
    with pytest.raises(CommandError, match="exact name"):
        call_command("referrals", "create-api-key", "--organisation", "Nobody")


def test_no_key_or_a_wrong_key_is_refused(client, council_key):
    assert client.get("/api/referrals/").status_code == 401
    assert client.get("/api/referrals/", **auth(council_key + "x")).status_code == 401
    assert client.get("/api/referrals/", **auth("upk_nope_nope")).status_code == 401


def test_create_and_send_then_the_receiver_lists_and_reads_it_with_an_etag(client, service, force_key, council_key):
    created = client.post("/api/referrals/", body(service), content_type="application/json", **auth(force_key))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "sent"
    assert data["fhir_status"] == "requested"
    assert created["ETag"] == f'"{data["version"]}"'
    inbox = client.get("/api/referrals/?box=inbox", **auth(council_key)).json()
    assert [r["id"] for r in inbox["referrals"]] == [data["id"]]
    assert inbox["referrals"][0]["person"]["surname"] == "Fawley"
    one = client.get(f"/api/referrals/{data['id']}", **auth(council_key))
    assert one.status_code == 200
    assert one["ETag"] == f'"{data["version"]}"'
    tags = set(AuditEvent.objects.values_list("tag", flat=True))
    assert {"referrals:referral:create", "referrals:referral:send", "referrals:referral:list"} <= tags
    assert "referrals:referral:view" in tags


def test_sending_without_a_basis_is_refused_with_a_reason(client, service, force_key):
    response = client.post(
        "/api/referrals/", body(service, consent=None), content_type="application/json", **auth(force_key)
    )
    assert response.status_code == 422
    assert "consent" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_another_organisation_cannot_see_the_referral(client, service, force_key, charity):
    _k, charity_key = services.create_api_key(organisation=charity, name="Charity", created_by_label="t")
    data = client.post("/api/referrals/", body(service), content_type="application/json", **auth(force_key)).json()
    assert client.get(f"/api/referrals/{data['id']}", **auth(charity_key)).status_code == 404
    assert client.get("/api/referrals/", **auth(charity_key)).json()["total"] == 0


def test_moving_needs_if_match(client, service, force_key, council_key):
    data = client.post("/api/referrals/", body(service), content_type="application/json", **auth(force_key)).json()
    url = f"/api/referrals/{data['id']}/transition"
    missing = client.post(url, {"status": "received"}, content_type="application/json", **auth(council_key))
    assert missing.status_code == 428
    stale = client.post(
        url, {"status": "received"}, content_type="application/json", **auth(council_key, HTTP_IF_MATCH='"99"')
    )
    assert stale.status_code == 412
    ok = client.post(
        url,
        {"status": "received"},
        content_type="application/json",
        **auth(council_key, HTTP_IF_MATCH=f'"{data["version"]}"'),
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "received"
    assert ok["ETag"] == f'"{data["version"] + 1}"'


def test_two_clients_deciding_on_the_same_version_one_wins_the_other_gets_412(
    client, service, force_key, council_key, council
):
    _k, second_key = services.create_api_key(organisation=council, name="Council second system", created_by_label="t")
    data = client.post("/api/referrals/", body(service), content_type="application/json", **auth(force_key)).json()
    url = f"/api/referrals/{data['id']}/transition"
    received = client.post(
        url,
        {"status": "received"},
        content_type="application/json",
        **auth(council_key, HTTP_IF_MATCH=f'"{data["version"]}"'),
    ).json()
    etag = f'"{received["version"]}"'
    accept = client.post(
        url, {"status": "accepted"}, content_type="application/json", **auth(council_key, HTTP_IF_MATCH=etag)
    )
    decline = client.post(
        url,
        {"status": "declined", "decline_reason": "no_capacity"},
        content_type="application/json",
        **auth(second_key, HTTP_IF_MATCH=etag),
    )
    assert (accept.status_code, decline.status_code) == (200, 412)
    assert "Someone else changed this referral first" in decline.json()["detail"]
    assert Referral.objects.get(pk=data["id"]).status == Status.ACCEPTED


def test_a_move_not_allowed_is_refused_with_409_naming_the_state(client, service, force_key, council_key):
    data = client.post("/api/referrals/", body(service), content_type="application/json", **auth(force_key)).json()
    response = client.post(
        f"/api/referrals/{data['id']}/transition",
        {"status": "completed", "outcome": "engaged"},
        content_type="application/json",
        **auth(council_key, HTTP_IF_MATCH=f'"{data["version"]}"'),
    )
    assert response.status_code == 409
    assert "sent" in response.json()["detail"]


def test_bad_input_is_a_clear_422_not_a_500(client, service, force_key):
    for payload in (
        {**body(service), "urgency": "yesterday"},
        {**body(service), "reason": ""},
        {**body(service), "reason": "x" * 10_000},
        {**body(service), "service_id": "not-a-uuid"},
        {**body(service), "need_categories": ["\x00"]},
    ):
        response = client.post("/api/referrals/", payload, content_type="application/json", **auth(force_key))
        assert response.status_code in (400, 422), (payload, response.status_code)


def test_every_call_by_a_known_key_is_audited_refused_ones_too_without_the_body(
    client, service, force_key, council_key, charity
):
    _k, charity_key = services.create_api_key(organisation=charity, name="Charity", created_by_label="t")
    data = client.post("/api/referrals/", body(service), content_type="application/json", **auth(force_key)).json()
    url = f"/api/referrals/{data['id']}/transition"
    refused = [
        client.get(f"/api/referrals/{data['id']}", **auth(charity_key)),  # out of reach: 404
        client.post(url, {"status": "received"}, content_type="application/json", **auth(council_key)),  # 428
        client.post(  # a schema error (422), with a name in the body that must not reach the log
            "/api/referrals/",
            {**body(service), "urgency": "Sue Bridehead"},
            content_type="application/json",
            **auth(force_key),
        ),
    ]
    assert [r.status_code for r in refused] == [404, 428, 422]
    events = list(AuditEvent.objects.filter(tag="referrals:api:refused").order_by("sequence"))
    assert [(e.actor_label.startswith("api-"), e.operation, e.detail["status"]) for e in events] == [
        (True, "security", 404),
        (True, "security", 428),
        (True, "security", 422),
    ]
    assert events[0].object_id == str(data["id"])
    assert events[1].detail == {"method": "POST", "path": url, "status": 428}
    assert all("Sue" not in str(e.detail) for e in events)
    # An unknown key names nobody, so nothing is written for it.
    assert client.get("/api/referrals/", **auth("upk_nothing_here")).status_code == 401
    assert AuditEvent.objects.filter(tag="referrals:api:refused").count() == 3
