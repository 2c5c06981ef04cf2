"""Fixtures for people: a force and a council, staff in each role, people held by each, signed-in clients."""

from __future__ import annotations

import pytest

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.roles import Role
from upstream.people import services
from upstream.people.models import LegalRegime, RetentionClass


@pytest.fixture
def force(db):
    return Organisation.objects.create(name="Wessex Police", kind=OrganisationKind.POLICE_FORCE)


@pytest.fixture
def council(db):
    return Organisation.objects.create(name="Casterbridge Council", kind=OrganisationKind.COUNCIL)


@pytest.fixture
def make_user(db):
    def make(username, organisation, *roles):
        return User.objects.create_user(username=username, organisation=organisation, roles=[str(r) for r in roles])

    return make


@pytest.fixture
def officer(make_user, force):
    return make_user("officer", force, Role.OFFICER)


@pytest.fixture
def supervisor(make_user, force):
    return make_user("supervisor", force, Role.SUPERVISOR)


@pytest.fixture
def analyst(make_user, force):
    return make_user("analyst", force, Role.ANALYST)


@pytest.fixture
def caseworker(make_user, council):
    return make_user("caseworker", council, Role.PARTNER_CASEWORKER)


@pytest.fixture
def council_supervisor(make_user, council):
    return make_user("council-supervisor", council, Role.SUPERVISOR)


@pytest.fixture
def make_person():
    def make(actor, **fields):
        defaults = {
            "legal_regime": LegalRegime.LAW_ENFORCEMENT,
            "purpose": "missing person enquiry",
            "retention_class": RetentionClass.CASEWORK,
            "forenames": "Tess",
            "surname": "Durbeyfield",
            "postcode": "DT1 1AA",
        }
        return services.create_person(actor=actor, **{**defaults, **fields})

    return make


@pytest.fixture
def person(make_person, officer):
    return make_person(officer)
