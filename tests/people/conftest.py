"""Fixtures for people: a force and a council, staff in each role, people held by each, signed-in clients."""

from __future__ import annotations

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def sign_in(client, user):
    """Signs the user in past both factors, as the two-factor middleware expects (django-otp's session key)."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in(client):
    def sign(user):
        return sign_in(client, user)

    return sign
