"""Who reaches a plan: its owner's staff, and partners that joined it; a partner changes only its own actions.

An explicit table of roles × organisations, checked record by record with `can` and as lists with `scoped`,
which must always agree.
"""

from __future__ import annotations

import pytest

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.policy import PermissionDenied, can, scoped
from upstream.core.roles import Role
from upstream.problems import policies, queries, services
from upstream.problems.models import Action, ProblemPlan

# (role, organisation key) → (may view, may update the plan, may update the council's action, may update the
# force's action, may add an action for their own organisation)
TABLE = [
    (Role.OFFICER, "force", (True, True, True, True, True)),
    (Role.ANALYST, "force", (True, True, True, True, True)),
    (Role.SUPERVISOR, "force", (True, True, True, True, True)),
    (Role.CALL_HANDLER, "force", (True, False, False, False, False)),
    (Role.PARTNER_CASEWORKER, "council", (True, False, True, False, True)),
    (Role.PARTNER_CASEWORKER, "charity", (False, False, False, False, False)),
    (Role.SUPERVISOR, "charity", (False, False, False, False, False)),
    (Role.DIRECTORY_COORDINATOR, "force", (False, False, False, False, False)),
    (Role.ADMINISTRATOR, "force", (False, False, False, False, False)),
]


@pytest.fixture
def world(plan, officer, council, charity):
    services.add_partner(actor=officer, plan=plan, organisation=council)
    council_action = services.add_action(
        actor=officer, plan=plan, description="Youth club nights", technique="diversion", agency=council
    )
    force_action = services.add_action(
        actor=officer, plan=plan, description="Patrols", technique="enforcement", agency=plan.organisation
    )
    other = Organisation.objects.create(name="Elsewhere Police", kind=OrganisationKind.POLICE_FORCE)
    return {
        "plan": plan,
        "council_action": council_action,
        "force_action": force_action,
        "organisations": {"force": plan.organisation, "council": council, "charity": charity, "other": other},
    }


def _try(fn):
    try:
        fn()
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize(("role", "organisation", "expected"), TABLE, ids=[f"{r.value}-{o}" for r, o, _e in TABLE])
def test_access_table(world, role, organisation, expected):
    plan = world["plan"]
    user = User.objects.create_user(
        username=f"{role.value}-{organisation}", organisation=world["organisations"][organisation], roles=[role.value]
    )
    view, update, council_action, force_action, add_own = expected
    assert can(user, policies.PLAN_VIEW, plan) is view
    assert (plan in scoped(user, policies.PLAN_VIEW, ProblemPlan.objects.all())) is view
    assert (
        _try(lambda: services.update_plan(actor=user, plan=plan, expected_version=plan.version, lessons="x")) is update
    )
    plan.refresh_from_db()
    for action, allowed in ((world["council_action"], council_action), (world["force_action"], force_action)):
        action.refresh_from_db()
        assert (
            _try(
                lambda action=action: services.update_action(
                    actor=user, action=action, expected_version=action.version, note=f"by {user.username}"
                )
            )
            is allowed
        )
    assert _try(
        lambda: services.add_action(
            actor=user, plan=plan, description="Own action", technique="support", agency=user.organisation
        )
    ) is (add_own and user.organisation.pk in (plan.organisation_id, world["organisations"]["council"].pk))


def test_a_partner_sees_only_plans_its_organisation_joined(world, make_plan, caseworker, charity_caseworker):
    unjoined = make_plan(title="Another problem")
    visible = set(queries.list_plans(caseworker).values_list("pk", flat=True))
    assert visible == {world["plan"].pk}
    assert unjoined.pk not in visible
    assert set(queries.list_plans(charity_caseworker).values_list("pk", flat=True)) == set()
    from django.http import Http404

    with pytest.raises(Http404):
        queries.find_plan(charity_caseworker, world["plan"].pk)


def test_another_force_sees_nothing(world):
    stranger = User.objects.create_user(
        username="stranger", organisation=world["organisations"]["other"], roles=[Role.SUPERVISOR.value]
    )
    assert not can(stranger, policies.PLAN_VIEW, world["plan"])
    assert scoped(stranger, policies.ACTION_UPDATE, Action.objects.all()).count() == 0


def test_a_partner_cannot_move_its_action_to_another_agency(world, caseworker):
    action = world["council_action"]
    with pytest.raises(PermissionDenied):
        services.update_action(
            actor=caseworker, action=action, expected_version=action.version, agency=world["organisations"]["force"]
        )


def test_a_partner_cannot_add_an_action_for_the_force(world, caseworker):
    with pytest.raises(PermissionDenied):
        services.add_action(
            actor=caseworker,
            plan=world["plan"],
            description="x",
            technique="support",
            agency=world["organisations"]["force"],
        )
