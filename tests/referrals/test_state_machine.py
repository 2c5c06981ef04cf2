"""The referral state machine: every allowed move works, every other move is refused by name, stale versions lose."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream.core.models import AccessGrant, AuditEvent
from upstream.referrals import services
from upstream.referrals.models import TRANSITIONS, Referral, ReferralEvent, Status

pytestmark = pytest.mark.django_db

# A shortest path from draft to each status, so each can be reached before trying its moves.
PATHS = {
    Status.DRAFT: [],
    Status.SENT: [Status.SENT],
    Status.RECEIVED: [Status.SENT, Status.RECEIVED],
    Status.ACCEPTED: [Status.SENT, Status.RECEIVED, Status.ACCEPTED],
    Status.DECLINED: [Status.SENT, Status.RECEIVED, Status.DECLINED],
    Status.IN_PROGRESS: [Status.SENT, Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS],
    Status.COMPLETED: [Status.SENT, Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED],
    Status.WITHDRAWN: [Status.WITHDRAWN],
    Status.NOT_ENGAGED: [Status.SENT, Status.RECEIVED, Status.ACCEPTED, Status.NOT_ENGAGED],
}
EXTRAS = {"decline_reason": "no_capacity", "outcome": "goals_met"}


def actor_for(to_status, officer, caseworker):
    """Returns who makes a move: the referrer sends and withdraws, the receiver does the rest."""
    return officer if to_status in (Status.SENT, Status.WITHDRAWN) else caseworker


def move(referral, to_status, officer, caseworker):
    return services.move_referral(
        actor=actor_for(to_status, officer, caseworker),
        referral=referral,
        expected_version=referral.version,
        to_status=to_status,
        note="note",
        decline_reason=EXTRAS["decline_reason"] if to_status == Status.DECLINED else "",
        outcome=EXTRAS["outcome"] if to_status == Status.COMPLETED else "",
    )


def drive(referral, status, officer, caseworker):
    for step in PATHS[status]:
        referral = move(referral, step, officer, caseworker)
    assert referral.status == status
    return referral


ALLOWED = [(s, t) for s, moves in TRANSITIONS.items() for t in sorted(moves)]
REFUSED = [(s, t) for s in Status.values for t in Status.values if t != Status.DRAFT and t not in TRANSITIONS[s]]


def test_the_paths_cover_every_status_and_the_machine_ends_in_closed_states():
    assert set(PATHS) == set(Status.values)
    assert {s for s, moves in TRANSITIONS.items() if not moves} == {
        Status.DECLINED,
        Status.COMPLETED,
        Status.WITHDRAWN,
        Status.NOT_ENGAGED,
    }


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_every_allowed_move_is_made_recorded_and_versioned(from_status, to_status, make_referral, officer, caseworker):
    referral = drive(make_referral(), from_status, officer, caseworker)
    before = referral.version
    moved = move(referral, to_status, officer, caseworker)
    assert moved.status == to_status
    assert moved.version == before + 1
    event = ReferralEvent.objects.filter(referral=moved).order_by("-pk").first()
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert event.actor == actor_for(to_status, officer, caseworker)
    timestamp = {
        Status.SENT: "sent_at",
        Status.RECEIVED: "received_at",
        Status.ACCEPTED: "accepted_at",
        Status.DECLINED: "declined_at",
        Status.IN_PROGRESS: "started_at",
        Status.COMPLETED: "completed_at",
        Status.WITHDRAWN: "withdrawn_at",
        Status.NOT_ENGAGED: "not_engaged_at",
    }[to_status]
    assert getattr(moved, timestamp) is not None


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_every_other_move_is_refused_naming_the_current_state(
    from_status, to_status, make_referral, officer, caseworker
):
    referral = drive(make_referral(), from_status, officer, caseworker)
    if from_status == Status.DRAFT and to_status not in (Status.SENT, Status.WITHDRAWN):
        # The receiver cannot even see a draft: nothing has been disclosed to them yet.
        with pytest.raises(services.PermissionDenied):
            move(referral, to_status, officer, caseworker)
        return
    with pytest.raises(services.TransitionNotAllowedError) as refused:
        move(referral, to_status, officer, caseworker)
    message = refused.value.messages[0]
    assert str(Status(from_status).label).lower() in message
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.version) == (from_status, referral.version)


def test_a_stale_version_loses_and_is_told_someone_else_changed_it_first(make_referral, officer, caseworker):
    referral = drive(make_referral(), Status.RECEIVED, officer, caseworker)
    seen = referral.version
    services.accept_referral(actor=caseworker, referral=referral, expected_version=seen)
    with pytest.raises(services.ConflictError) as conflict:
        services.decline_referral(actor=caseworker, referral=referral, expected_version=seen, reason="no_capacity")
    assert "Someone else changed this referral first" in str(conflict.value)
    assert "Accepted" in str(conflict.value)
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_a_referral_without_consent_or_lawful_basis_cannot_be_sent(make_referral, officer):
    referral = make_referral(with_consent=False)
    with pytest.raises(ValidationError) as refused:
        services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
    assert "consent" in refused.value.messages[0]
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


def test_a_lawful_basis_needs_its_reason(make_referral):
    with pytest.raises(ValidationError, match="why consent is not the basis"):
        make_referral(with_consent=False, consent_basis="lawful_basis", lawful_basis="safeguarding")


def test_a_draft_sent_on_a_lawful_basis_with_its_reason_goes(make_referral, officer):
    referral = make_referral(with_consent=False)
    referral = services.record_basis(
        actor=officer,
        referral=referral,
        expected_version=referral.version,
        consent_basis="lawful_basis",
        lawful_basis="safeguarding",
        lawful_basis_reason="Child at risk; asking would increase the risk",
    )
    sent = services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
    assert sent.status == Status.SENT


def test_sending_is_a_disclosure_to_the_receiving_organisation_and_shares_the_person(
    make_referral, officer, council, person
):
    referral = make_referral()
    services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
    event = AuditEvent.objects.filter(tag="referrals:referral:send").get()
    assert event.operation == "disclosure"
    assert event.recipient == f"organisation {council.pk}: {council}"
    assert AccessGrant.objects.filter(
        object_type="people.person", object_id=str(person.pk), granted_to_organisation_id=council.pk
    ).exists()


def test_each_move_is_audited(make_referral, officer, caseworker):
    referral = drive(make_referral(), Status.COMPLETED, officer, caseworker)
    tags = list(
        AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk)).values_list(
            "tag", flat=True
        )
    )
    assert tags == [
        "referrals:referral:create",
        "referrals:referral:send",
        "referrals:referral:move",
        "referrals:referral:move",
        "referrals:referral:move",
        "referrals:referral:move",
    ]


def test_declining_needs_a_reason_and_completing_needs_an_outcome(make_referral, officer, caseworker):
    referral = drive(make_referral(), Status.RECEIVED, officer, caseworker)
    with pytest.raises(ValidationError):
        services.decline_referral(actor=caseworker, referral=referral, expected_version=referral.version, reason="")
    with pytest.raises(ValidationError):
        services.decline_referral(
            actor=caseworker, referral=referral, expected_version=referral.version, reason="other", note=" "
        )
    accepted = services.accept_referral(actor=caseworker, referral=referral, expected_version=referral.version)
    started = services.start_referral(actor=caseworker, referral=accepted, expected_version=accepted.version)
    with pytest.raises(ValidationError):
        services.complete_referral(actor=caseworker, referral=started, expected_version=started.version, outcome="")


def test_the_referrer_cannot_make_the_receivers_moves_nor_the_receiver_send(make_referral, officer, caseworker):
    referral = make_referral()
    with pytest.raises(services.PermissionDenied):
        services.send_referral(actor=caseworker, referral=referral, expected_version=referral.version)
    sent = services.send_referral(actor=officer, referral=referral, expected_version=referral.version)
    with pytest.raises(services.PermissionDenied):
        services.acknowledge_referral(actor=officer, referral=sent, expected_version=sent.version)


def test_a_referral_to_a_service_that_takes_none_is_refused(officer, person):
    from upstream.directory.models import Service

    service = Service.objects.create(name="Drop-in")
    with pytest.raises(ValidationError, match="does not take referrals"):
        services.create_referral(
            actor=officer, person=person, service=service, reason="x", consent_basis="", need_categories=[]
        )


moves_strategy = st.lists(st.sampled_from([s for s in Status.values if s != Status.DRAFT]), max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=moves_strategy)
def test_any_sequence_of_moves_follows_the_table_exactly(moves, make_referral, officer, caseworker):
    with transaction.atomic():
        referral = make_referral()
        status, version = Status.DRAFT, referral.version
        for to_status in moves:
            allowed = to_status in TRANSITIONS[status]
            visible_to_mover = status != Status.DRAFT or to_status in (Status.SENT, Status.WITHDRAWN)
            try:
                referral = move(referral, to_status, officer, caseworker)
            except services.TransitionNotAllowedError:
                assert not allowed
            except services.PermissionDenied:
                assert not visible_to_mover
            else:
                assert allowed
                status, version = to_status, version + 1
            stored = Referral.objects.get(pk=referral.pk)
            assert (stored.status, stored.version) == (status, version)
            referral = stored
        assert ReferralEvent.objects.filter(referral=referral).count() == version
        transaction.set_rollback(True)


def test_a_supervisor_erases_a_closed_referrals_details_and_it_still_counts(
    make_referral, officer, caseworker, supervisor
):
    referral = drive(make_referral(), Status.COMPLETED, officer, caseworker)
    with pytest.raises(services.PermissionDenied):
        services.erase_referral(actor=officer, referral=referral, reason="retention period over")
    erased = services.erase_referral(actor=supervisor, referral=referral, reason="retention period over")
    assert (erased.reason, erased.outcome_note, erased.status) == ("", "", Status.COMPLETED)
    assert erased.erased_at is not None
    assert not ReferralEvent.objects.filter(referral=erased).exclude(note="").exists()
    event = AuditEvent.objects.get(tag="referrals:referral:erase")
    assert (event.operation, event.purpose) == ("erasure", "retention period over")


def test_an_open_referral_cannot_be_erased(make_referral, supervisor):
    referral = make_referral(actor=supervisor)
    with pytest.raises(ValidationError, match="Only a closed referral"):
        services.erase_referral(actor=supervisor, referral=referral, reason="x")
