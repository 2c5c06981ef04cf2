"""For random organisations, staff and plans with random partners: lists equal the record-by-record policy,
and anyone outside the owner reaches only plans their organisation joined, changing only their own actions."""

from __future__ import annotations

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream.accounts.models import Organisation, OrganisationKind, Team, User
from upstream.core.policy import can, scoped
from upstream.core.roles import Role
from upstream.places.models import Area, AreaLevel
from upstream.problems import policies
from upstream.problems.models import Action, PlanPartner, ProblemPlan

ORGANISATIONS = 3
ROLES = [r.value for r in Role]

users_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, ORGANISATIONS - 1)),
        st.lists(st.sampled_from(ROLES), max_size=3, unique=True),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
plans_strategy = st.lists(
    st.tuples(
        st.integers(0, ORGANISATIONS - 1),  # owner
        st.sets(st.integers(0, ORGANISATIONS - 1), max_size=2),  # partners that joined
        st.lists(st.integers(0, ORGANISATIONS - 1), max_size=3),  # each action's agency
    ),
    max_size=5,
)


def build(users_spec, plans_spec):
    organisations = [
        Organisation.objects.create(name=f"Organisation {i}", kind=OrganisationKind.OTHER) for i in range(ORGANISATIONS)
    ]
    users = [
        User.objects.create(
            username=f"user{i}",
            organisation=organisations[org] if org is not None else None,
            roles=roles,
            is_active=active,
        )
        for i, (org, roles, active) in enumerate(users_spec)
    ]
    creator = User.objects.create(username="creator", organisation=organisations[0])
    area = Area.objects.create(level=AreaLevel.WARD, code="W1", name="Ward")
    for owner, partners, agencies in plans_spec:
        team = Team.objects.get_or_create(organisation=organisations[owner], name="Team")[0]
        plan = ProblemPlan.objects.create(
            title="Plan",
            problem_type="asb",
            organisation=organisations[owner],
            team=team,
            area=area,
            supervisor=creator,
            created_by=creator,
        )
        for partner in partners - {owner}:
            PlanPartner.objects.create(plan=plan, organisation=organisations[partner], added_by=creator)
        for agency in agencies:
            Action.objects.create(plan=plan, description="a", technique="support", agency=organisations[agency])
    return users


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(users_spec=users_strategy, plans_spec=plans_strategy)
def test_lists_equal_the_policy_and_partners_reach_only_joined_plans(db, users_spec, plans_spec):
    # Each example builds its own small world and rolls it back, so examples never see each other's rows.
    with transaction.atomic():
        users = build(users_spec, plans_spec)
        plans = list(ProblemPlan.objects.all())
        actions = list(Action.objects.select_related("plan"))
        for user in users:
            for action in (policies.PLAN_VIEW, policies.PLAN_UPDATE, policies.ACTION_UPDATE):
                listed = set(scoped(user, action, ProblemPlan.objects.all()).values_list("pk", flat=True))
                assert listed == {p.pk for p in plans if can(user, action, p)}, (user.roles, action)
            for plan in scoped(user, policies.PLAN_VIEW, ProblemPlan.objects.all()):
                joined = plan.partners.filter(organisation_id=user.organisation_id).exists()
                assert plan.organisation_id == user.organisation_id or joined
            for action_row in actions:
                may = can(user, policies.ACTION_UPDATE, action_row) and policies.may_change_action(user, action_row)
                if may and action_row.plan.organisation_id != user.organisation_id:
                    # Outside the owner, only the partner's own actions on a plan it joined.
                    assert action_row.agency_id == user.organisation_id
                    assert action_row.plan.partners.filter(organisation_id=user.organisation_id).exists()
                if not user.is_active or not (set(user.roles) & set(policies.VIEWERS)):
                    assert not may
        transaction.set_rollback(True)
