"""A plan moves on only with what the next stage needs, says what is missing, and a supervisor approves."""

from __future__ import annotations

import pytest
from problems_helpers import fill_analysis, fill_response, fill_scanning, move

from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.problems import services
from upstream.problems.models import Decision, PlanEvent, Stage


def test_a_new_plan_cannot_leave_scanning_and_is_told_everything_missing(plan, supervisor):
    with pytest.raises(services.GateError) as refused:
        move(plan, supervisor, Stage.ANALYSIS)
    fields = [name for name, _message in refused.value.missing]
    assert fields == [
        "description",
        "who_harmed",
        "how_noticed",
        "data_sources",
        "baseline_measure",
        "baseline_value",
        "baseline_start",
    ]
    assert "Enter the baseline figure" in refused.value.messages
    plan.refresh_from_db()
    assert plan.stage == Stage.SCANNING


def test_without_a_baseline_figure_the_plan_cannot_move_on(plan, officer, supervisor):
    fill_scanning(plan, officer)
    plan.refresh_from_db()
    services.update_plan(actor=officer, plan=plan, expected_version=plan.version, baseline_value=None)
    with pytest.raises(services.GateError) as refused:
        move(plan, supervisor, Stage.ANALYSIS)
    assert [name for name, _m in refused.value.missing] == ["baseline_value"]


def test_an_officers_move_waits_for_the_supervisor_who_approves_it(plan, officer, supervisor):
    fill_scanning(plan, officer)
    waiting = move(plan, officer, Stage.ANALYSIS)
    assert waiting.stage == Stage.SCANNING
    assert waiting.pending_stage == Stage.ANALYSIS
    approved = services.approve_move(actor=supervisor, plan=waiting, expected_version=waiting.version)
    assert approved.stage == Stage.ANALYSIS
    assert approved.pending_stage == ""
    kinds = list(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True))
    assert kinds[-2:] == ["move_requested", "move_approved"]
    assert AuditEvent.objects.filter(tag="problems:plan:move", object_id=str(plan.pk)).count() == 2


def test_an_officer_cannot_approve_and_a_refusal_needs_a_reason(plan, officer, supervisor):
    fill_scanning(plan, officer)
    waiting = move(plan, officer, Stage.ANALYSIS)
    with pytest.raises(PermissionDenied):
        services.approve_move(actor=officer, plan=waiting, expected_version=waiting.version)
    with pytest.raises(services.ValidationError):
        services.refuse_move(actor=supervisor, plan=waiting, expected_version=waiting.version, reason=" ")
    refused = services.refuse_move(actor=supervisor, plan=waiting, expected_version=waiting.version, reason="Too thin")
    assert refused.pending_stage == ""
    assert refused.stage == Stage.SCANNING


def test_approval_checks_the_gate_again_on_what_is_stored_now(plan, officer, supervisor):
    fill_scanning(plan, officer)
    waiting = move(plan, officer, Stage.ANALYSIS)
    emptied = services.update_plan(actor=officer, plan=waiting, expected_version=waiting.version, who_harmed="")
    with pytest.raises(services.GateError) as refused:
        services.approve_move(actor=supervisor, plan=emptied, expected_version=emptied.version)
    assert [name for name, _m in refused.value.missing] == ["who_harmed"]


def test_analysis_needs_the_triangle_a_hypothesis_and_a_finding(plan, officer, supervisor):
    fill_scanning(plan, officer)
    move(plan, supervisor, Stage.ANALYSIS)
    with pytest.raises(services.GateError) as refused:
        move(plan, supervisor, Stage.RESPONSE)
    assert [n for n, _m in refused.value.missing] == ["offender", "victim", "location", "hypothesis", "findings"]


def test_response_needs_every_action_linked_and_an_objective(plan, officer, supervisor):
    fill_scanning(plan, officer)
    move(plan, supervisor, Stage.ANALYSIS)
    plan, _finding = fill_analysis(plan, officer)
    move(plan, supervisor, Stage.RESPONSE)
    services.add_action(actor=officer, plan=plan, description="Patrols", technique="enforcement")
    with pytest.raises(services.GateError) as refused:
        move(plan, supervisor, Stage.ASSESSMENT)
    messages = [m for _n, m in refused.value.missing]
    assert "Link every action to a finding (1 not linked)" in messages
    assert "Write the SMART objective" in messages


def test_closing_needs_the_after_measure_and_a_decision_that_is_not_continue(plan, officer, supervisor):
    fill_scanning(plan, officer)
    move(plan, supervisor, Stage.ANALYSIS)
    plan, finding = fill_analysis(plan, officer)
    move(plan, supervisor, Stage.RESPONSE)
    fill_response(plan, officer, finding)
    plan = move(plan, supervisor, Stage.ASSESSMENT)
    plan = services.update_plan(actor=officer, plan=plan, expected_version=plan.version, decision=Decision.CONTINUE)
    with pytest.raises(services.GateError) as refused:
        move(plan, supervisor, Stage.CLOSED)
    assert [n for n, _m in refused.value.missing] == ["after_value", "after_start", "decision"]
    # Continuing means going back to the response, which has no gate.
    back = move(plan, supervisor, Stage.RESPONSE)
    assert back.stage == Stage.RESPONSE


def test_a_closed_plan_cannot_move_or_change(closed_plan, officer, supervisor):
    assert closed_plan.stage == Stage.CLOSED
    assert closed_plan.closed_at is not None
    with pytest.raises(services.GateError):
        move(closed_plan, supervisor, Stage.ASSESSMENT)
    with pytest.raises(services.ValidationError):
        services.update_plan(actor=officer, plan=closed_plan, expected_version=closed_plan.version, lessons="More")


def test_a_plan_cannot_skip_a_stage(plan, officer, supervisor):
    fill_scanning(plan, officer)
    with pytest.raises(services.GateError) as refused:
        move(plan, supervisor, Stage.RESPONSE)
    assert refused.value.missing[0][0] == "to_stage"


def test_a_partner_cannot_move_a_plan(plan, officer, supervisor, caseworker, council):
    fill_scanning(plan, officer)
    services.add_partner(actor=officer, plan=plan, organisation=council)
    with pytest.raises(PermissionDenied):
        move(plan, caseworker, Stage.ANALYSIS)
