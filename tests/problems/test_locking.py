"""Two people editing one plan or one action: the first wins, the second is told plainly and nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest

from upstream.problems import services
from upstream.problems.models import Action, ActionStatus, ProblemPlan


def test_two_partners_editing_one_action_the_second_is_told(plan, officer, council, caseworker):
    services.add_partner(actor=officer, plan=plan, organisation=council)
    action = services.add_action(
        actor=officer, plan=plan, description="Youth outreach", technique="engagement", agency=council
    )
    seen = action.version
    services.update_action(actor=caseworker, action=action, expected_version=seen, status=ActionStatus.IN_PROGRESS)
    with pytest.raises(services.ConflictError) as conflict:
        services.update_action(actor=officer, action=action, expected_version=seen, owner_name="Sam Reeve")
    assert "Someone else changed this action" in str(conflict.value)
    assert "Your changes were not saved" in str(conflict.value)
    stored = Action.objects.get(pk=action.pk)
    assert stored.status == ActionStatus.IN_PROGRESS
    assert stored.owner_name == ""
    assert stored.version == seen + 1


def test_a_stale_plan_edit_is_refused_and_the_first_edit_kept(plan, officer, supervisor):
    seen = plan.version
    services.update_plan(actor=officer, plan=plan, expected_version=seen, who_harmed="Residents")
    with pytest.raises(services.ConflictError):
        services.update_plan(actor=supervisor, plan=plan, expected_version=seen, who_harmed="Shopkeepers")
    assert ProblemPlan.objects.get(pk=plan.pk).who_harmed == "Residents"


def test_the_plans_version_rises_with_each_change_and_not_for_nothing(plan, officer):
    first = plan.version
    changed = services.update_plan(actor=officer, plan=plan, expected_version=first, baseline_value=10)
    assert changed.version == first + 1
    same = services.update_plan(actor=officer, plan=changed, expected_version=changed.version, baseline_value=10)
    assert same.version == first + 1


def test_an_action_update_writes_one_audit_naming_fields_not_values(plan, officer):
    from upstream.core.models import AuditEvent

    action = services.add_action(actor=officer, plan=plan, description="Lights", technique="natural_surveillance")
    services.update_action(
        actor=officer, action=action, expected_version=action.version, owner_name="PC Oak", due_date=dt.date(2026, 1, 5)
    )
    event = AuditEvent.objects.filter(tag="problems:action:update").get()
    assert event.detail["fields"] == ["due_date", "owner_name"]
    assert "PC Oak" not in str(event.detail)
