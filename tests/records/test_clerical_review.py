"""The clerical review queue: uncertain pairs side by side, sticky decisions, audited, fed into the next run."""

from __future__ import annotations

from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.urls import reverse

from upstream.core.models import AuditEvent
from upstream.core.roles import Role
from upstream.records import services
from upstream.records.models import Decision, LinkDecision, LinkRun, RunStatus


def _pair(review_pairs, index=0):
    row = review_pairs.iloc[index]
    return row["person_id_l"], row["person_id_r"]


def test_the_queue_lists_the_runs_uncertain_pairs_with_names_and_progress(
    linked, review_pairs, analyst, client, signed_in
):
    signed_in(analyst)
    page = client.get(reverse("records:review")).content.decode()
    left, right = _pair(review_pairs)
    assert reverse("records:pair", args=[left, right]) in page
    assert "Waiting for a decision" in page
    assert f"0 of {len(review_pairs)} decided" in page
    event = AuditEvent.objects.get(tag="records:pair:list")
    assert left in event.detail["ids"]


def test_the_pair_page_shows_both_records_and_the_models_weights(linked, review_pairs, analyst, client, signed_in):
    signed_in(analyst)
    left, right = _pair(review_pairs)
    page = client.get(reverse("records:pair", args=[left, right])).content.decode()
    assert f"Record {left}" in page
    assert f"Record {right}" in page
    assert "Match weight" in page
    assert "Starting point" in page
    assert AuditEvent.objects.filter(tag="records:pair:view", object_id=f"{left}|{right}").exists()


def test_a_decision_is_kept_audited_and_moves_to_the_next_pair(linked, review_pairs, analyst, client, signed_in):
    signed_in(analyst)
    left, right = _pair(review_pairs)
    response = client.post(
        reverse("records:pair", args=[left, right]), {"decision": Decision.NON_MATCH, "reason": "twins"}
    )
    assert response.status_code == 302
    decision = LinkDecision.objects.get()
    assert (decision.person_id_l, decision.person_id_r, decision.decision) == (left, right, "non_match")
    assert decision.decided_by == analyst
    event = AuditEvent.objects.get(tag="records:person:unlink")
    assert event.object_id == f"{left}|{right}"
    assert event.operation == "combination"
    if len(review_pairs) > 1:
        assert response["Location"] == reverse("records:pair", args=list(_pair(review_pairs, 1)))
    page = client.get(reverse("records:review")).content.decode()
    assert f"1 of {len(review_pairs)} decided" in page


def test_a_match_is_audited_as_a_link_and_unsure_as_an_alteration(linked, review_pairs, analyst):
    left, right = _pair(review_pairs)
    services.decide_pair(actor=analyst, person_id_l=right, person_id_r=left, decision=Decision.MATCH)
    services.decide_pair(actor=analyst, person_id_l=left, person_id_r=right, decision=Decision.UNSURE)
    assert AuditEvent.objects.get(tag="records:person:link").object_id == f"{left}|{right}"  # ordered pair
    assert AuditEvent.objects.get(tag="records:pair:unsure").operation == "alteration"


def test_a_page_without_a_choice_says_what_to_do(linked, review_pairs, analyst, client, signed_in):
    signed_in(analyst)
    left, right = _pair(review_pairs)
    response = client.post(reverse("records:pair", args=[left, right]), {"reason": "x"})
    assert response.status_code == 400
    assert "Choose whether the two records are the same person" in response.content.decode()
    assert not LinkDecision.objects.exists()


def test_decisions_stick_the_next_run_applies_them_and_never_asks_again(linked, review_pairs, analyst, settings):
    left, right = _pair(review_pairs)
    services.decide_pair(actor=analyst, person_id_l=left, person_id_r=right, decision=Decision.MATCH)
    if len(review_pairs) > 1:
        other_l, other_r = _pair(review_pairs, 1)
        services.decide_pair(actor=analyst, person_id_l=other_l, person_id_r=other_r, decision=Decision.UNSURE)
    out = StringIO()
    call_command("records", "link", stdout=out)
    assert "reviewers' decisions applied" in out.getvalue()
    resolved = pd.read_csv(linked / "people_resolved.csv", dtype=str).set_index("person_id")["resolved_person_id"]
    assert resolved[left] == resolved[right]  # the reviewer's match overrides the model
    queue = pd.read_csv(linked / "clerical_review.csv", dtype=str)
    assert not ((queue["person_id_l"] == left) & (queue["person_id_r"] == right)).any()  # never asked again
    if len(review_pairs) > 1:
        assert ((queue["person_id_l"] == other_l) & (queue["person_id_r"] == other_r)).any()  # unsure stays
    links = pd.read_csv(linked / "links.csv", dtype=str)
    assert ((links["person_id_l"] == left) & (links["person_id_r"] == right) & (links["source"] == "reviewer")).any()
    run = LinkRun.objects.get()
    assert run.status == RunStatus.FINISHED
    assert run.decisions_applied == 1
    assert AuditEvent.objects.filter(tag="records:link:run", actor_label="command line").exists()


def test_a_non_match_splits_records_the_model_had_linked(linked, analyst):
    links = pd.read_csv(linked / "links.csv", dtype=str)
    link = links.iloc[0]
    services.decide_pair(
        actor=analyst, person_id_l=link["person_id_l"], person_id_r=link["person_id_r"], decision=Decision.NON_MATCH
    )
    call_command("records", "link", stdout=StringIO())
    resolved = pd.read_csv(linked / "people_resolved.csv", dtype=str).set_index("person_id")["resolved_person_id"]
    assert resolved[link["person_id_l"]] != resolved[link["person_id_r"]]


@pytest.mark.usefixtures("linked")
def test_only_analysts_and_supervisors_of_a_police_force_review(review_pairs, make_user, force, council, signed_in):
    left, right = _pair(review_pairs)
    for user in (
        make_user("officer", force, Role.OFFICER),
        make_user("handler", force, Role.CALL_HANDLER),
        make_user("council-analyst", council, Role.ANALYST),
    ):
        client = signed_in(user)
        assert client.get(reverse("records:review")).status_code == 403
        assert client.get(reverse("records:pair", args=[left, right])).status_code == 403
        response = client.post(reverse("records:pair", args=[left, right]), {"decision": "match"})
        assert response.status_code == 403
    assert not LinkDecision.objects.exists()
    assert not AuditEvent.objects.filter(tag__startswith="records:pair").exists()


def test_the_queue_before_any_run_says_what_to_do(analyst, client, signed_in):
    signed_in(analyst)
    page = client.get(reverse("records:review")).content.decode()
    assert "There is no link run yet" in page


def test_run_now_from_the_web_runs_in_the_background_and_shows_progress(linked, analyst, client, signed_in):
    signed_in(analyst)
    response = client.post(reverse("records:run-start"), {"engine": "duckdb"})
    run = LinkRun.objects.get()
    assert response["Location"] == reverse("records:run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Finished" in page
    assert run.started_by == analyst
    assert AuditEvent.objects.filter(tag="records:link:run", actor=analyst).exists()


def test_a_web_run_on_an_empty_store_fails_with_what_to_do(analyst, client, signed_in):
    signed_in(analyst)
    client.post(reverse("records:run-start"), {"engine": "duckdb"})
    run = LinkRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "upstream records import" in run.message
