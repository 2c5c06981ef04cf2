"""Fixtures for problem solving: a force with a team and areas, a council and a charity, staff in each role."""

from __future__ import annotations

import pytest
from problems_helpers import fill_analysis, fill_assessment, fill_response, fill_scanning, move

from upstream.accounts.models import Organisation, OrganisationKind, Team, User
from upstream.core.roles import Role
from upstream.places.models import Area, AreaLevel
from upstream.problems import services
from upstream.problems.models import Stage


@pytest.fixture
def force(db):
    return Organisation.objects.create(name="Wessex Police", kind=OrganisationKind.POLICE_FORCE)


@pytest.fixture
def council(db):
    return Organisation.objects.create(name="Casterbridge Council", kind=OrganisationKind.COUNCIL)


@pytest.fixture
def charity(db):
    return Organisation.objects.create(name="Harbour Light", kind=OrganisationKind.CHARITY)


@pytest.fixture
def make_user(db):
    def make(username, organisation, *roles):
        return User.objects.create_user(
            username=username, organisation=organisation, roles=[str(r) for r in roles], first_name=username.title()
        )

    return make


@pytest.fixture
def officer(make_user, force):
    return make_user("officer", force, Role.OFFICER)


@pytest.fixture
def supervisor(make_user, force):
    return make_user("supervisor", force, Role.SUPERVISOR)


@pytest.fixture
def call_handler(make_user, force):
    return make_user("call-handler", force, Role.CALL_HANDLER)


@pytest.fixture
def caseworker(make_user, council):
    return make_user("caseworker", council, Role.PARTNER_CASEWORKER)


@pytest.fixture
def charity_caseworker(make_user, charity):
    return make_user("charity-caseworker", charity, Role.PARTNER_CASEWORKER)


@pytest.fixture
def ward(db):
    force_area = Area.objects.create(level=AreaLevel.FORCE, code="force:wessex", name="Wessex")
    authority = Area.objects.create(
        level=AreaLevel.LOCAL_AUTHORITY, code="E06000001", name="Casterbridge", parent=force_area
    )
    return Area.objects.create(level=AreaLevel.WARD, code="E05000001", name="Durnover", parent=authority)


@pytest.fixture
def other_ward(ward):
    return Area.objects.create(level=AreaLevel.WARD, code="E05000002", name="Fordington", parent=ward.parent)


@pytest.fixture
def team(force, officer, supervisor):
    team = Team.objects.create(organisation=force, name="Casterbridge Neighbourhood Team", is_neighbourhood_team=True)
    team.members.set([officer, supervisor])
    return team


@pytest.fixture
def make_plan(officer, team, ward, supervisor):
    def make(actor=None, **fields):
        return services.create_plan(
            actor=actor or officer,
            title=fields.pop("title", "Youths gathering at the Durnover play area"),
            problem_type=fields.pop("problem_type", "youth_disorder"),
            team=fields.pop("team", team),
            area=fields.pop("area", ward),
            supervisor=fields.pop("supervisor", supervisor),
            description=fields.pop("description", ""),
        )

    return make


@pytest.fixture
def plan(make_plan):
    return make_plan()


@pytest.fixture
def closed_plan(plan, officer, supervisor):
    """Returns a plan taken through every stage to closed, with the least each gate needs."""
    fill_scanning(plan, officer)
    move(plan, supervisor, Stage.ANALYSIS)
    plan, finding = fill_analysis(plan, officer)
    move(plan, supervisor, Stage.RESPONSE)
    fill_response(plan, officer, finding)
    move(plan, supervisor, Stage.ASSESSMENT)
    fill_assessment(plan, officer)
    return move(plan, supervisor, Stage.CLOSED)
