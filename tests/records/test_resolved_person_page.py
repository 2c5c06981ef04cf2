"""The resolved person page: every record, event and household, why records were linked, link and unlink by hand."""

from __future__ import annotations

from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.urls import reverse

from upstream.core.models import AuditEvent
from upstream.core.roles import Role
from upstream.records.models import Decision, DecisionSource, LinkDecision


@pytest.fixture
def group(linked):
    """Returns (resolved_person_id, its record ids) of a person the model linked from several records."""
    resolved = pd.read_csv(linked / "people_resolved.csv", dtype=str)
    sizes = resolved.groupby("resolved_person_id")["person_id"].apply(sorted)
    rid = next(r for r, ids in sizes.items() if len(ids) > 1)
    return rid, sizes[rid]


@pytest.fixture
def loner(linked, group):
    """Returns a record id resolved to a person of its own, other than the group."""
    resolved = pd.read_csv(linked / "people_resolved.csv", dtype=str)
    sizes = resolved.groupby("resolved_person_id")["person_id"].count()
    return next(r for r, n in sizes.items() if n == 1 and r != group[0])


def test_the_page_shows_records_events_household_and_links_and_audits_the_view(group, officer, signed_in):
    rid, ids = group
    page = signed_in(officer).get(reverse("records:person", args=[rid])).content.decode()
    for pid in ids:
        assert pid in page
    assert "Why these records were linked" in page
    assert "The model, probability" in page
    assert "Household" in page
    assert "Events and involvements" in page
    event = AuditEvent.objects.get(tag="records:person:view")
    assert event.object_id == rid
    assert event.operation == "consultation"
    assert set(ids) <= set(event.detail["ids"])
    assert "Unlink" not in page  # officers read; analysts and supervisors link and unlink


def test_search_finds_a_person_by_name_and_audits_only_the_ids(linked, group, officer, signed_in):
    rid, ids = group
    people = pd.read_parquet(
        next((linked.parent.parent / "analytics" / "records" / "versions").iterdir()) / "people.parquet"
    )
    surname = people.set_index("person_id").loc[ids[0], "surname"]
    page = signed_in(officer).get(reverse("records:index"), {"q": surname}).content.decode()
    assert reverse("records:person", args=[rid]) in page
    event = AuditEvent.objects.get(tag="records:person:search")
    assert surname not in str(event.detail)
    assert ids[0] in event.detail["ids"]


def test_unlinking_a_record_needs_a_reason_is_audited_and_the_next_run_keeps_it_apart(
    linked, group, analyst, signed_in
):
    rid, ids = group
    client = signed_in(analyst)
    url = reverse("records:unlink", args=[rid, ids[-1]])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why" in response.content.decode()
    response = client.post(url, {"reason": "Different PNC ids on the custody records"})
    assert response.status_code == 302
    decisions = LinkDecision.objects.filter(source=DecisionSource.MANUAL, decision=Decision.NON_MATCH)
    assert decisions.count() == len(ids) - 1
    event = AuditEvent.objects.get(tag="records:person:unlink")
    assert event.object_id == rid
    assert event.detail["person_id"] == ids[-1]
    page = client.get(reverse("records:person", args=[rid])).content.decode()
    assert "the next run applies" in page
    call_command("records", "link", stdout=StringIO())
    resolved = pd.read_csv(linked / "people_resolved.csv", dtype=str).set_index("person_id")["resolved_person_id"]
    assert resolved[ids[-1]] != resolved[ids[0]]


def test_linking_a_record_by_hand_joins_it_at_the_next_run(linked, group, loner, analyst, signed_in):
    rid, _ = group
    client = signed_in(analyst)
    response = client.post(reverse("records:link", args=[rid]), {"person_id": loner, "reason": "Same PNC id"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(tag="records:person:link")
    assert (event.object_id, event.detail["person_id"], event.operation) == (rid, loner, "combination")
    call_command("records", "link", stdout=StringIO())
    resolved = pd.read_csv(linked / "people_resolved.csv", dtype=str).set_index("person_id")["resolved_person_id"]
    assert resolved[loner] == resolved[rid]
    history = client.get(reverse("records:history")).content.decode()
    assert "Same PNC id" in history
    assert AuditEvent.objects.filter(tag="records:history:view").exists()


def test_linking_an_unknown_or_own_record_says_what_to_do(group, analyst, signed_in):
    rid, ids = group
    client = signed_in(analyst)
    response = client.post(reverse("records:link", args=[rid]), {"person_id": "NOPE", "reason": "x"})
    assert "There is no person record NOPE" in response.content.decode()
    response = client.post(reverse("records:link", args=[rid]), {"person_id": ids[-1], "reason": "x"})
    assert "is already one of this person" in response.content.decode()
    assert not LinkDecision.objects.exists()


def test_people_outside_a_police_force_or_without_the_role_see_nothing(group, make_user, force, council, signed_in):
    rid, ids = group
    for user in (
        make_user("caseworker", council, Role.PARTNER_CASEWORKER),
        make_user("council-super", council, Role.SUPERVISOR),
        make_user("handler", force, Role.CALL_HANDLER),
    ):
        client = signed_in(user)
        assert client.get(reverse("records:person", args=[rid])).status_code == 403
        assert client.get(reverse("records:index"), {"q": "a"}).status_code == 403
    officer = make_user("officer2", force, Role.OFFICER)
    client = signed_in(officer)
    assert client.post(reverse("records:unlink", args=[rid, ids[-1]]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("records:history")).status_code == 403
    assert not AuditEvent.objects.filter(tag="records:person:view").exists()


def test_an_unknown_person_is_not_found(linked, officer, signed_in):
    assert signed_in(officer).get(reverse("records:person", args=["NOBODY"])).status_code == 404
