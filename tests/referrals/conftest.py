"""Fixtures for referrals: a force, a council and a charity, staff in each, a service each receives, a programme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.roles import Role
from upstream.directory.models import Service
from upstream.people import services as people_services
from upstream.people.models import LegalRegime, RetentionClass
from upstream.referrals import services
from upstream.referrals.models import ConsentBasis, ConsentGivenBy, Programme, ReceivingService


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
    def make(username, organisation, *roles, email=""):
        return User.objects.create_user(
            username=username, organisation=organisation, roles=[str(r) for r in roles], email=email
        )

    return make


@pytest.fixture
def officer(make_user, force):
    return make_user("officer", force, Role.OFFICER, email="officer@example.org")


@pytest.fixture
def supervisor(make_user, force):
    return make_user("supervisor", force, Role.SUPERVISOR)


@pytest.fixture
def caseworker(make_user, council):
    return make_user("caseworker", council, Role.PARTNER_CASEWORKER, email="caseworker@example.org")


@pytest.fixture
def charity_caseworker(make_user, charity):
    return make_user("charity-caseworker", charity, Role.PARTNER_CASEWORKER)


@pytest.fixture
def service(council):
    service = Service.objects.create(name="Family Support Hub", need_categories=["parenting"])
    ReceivingService.objects.create(service=service, organisation=council, acknowledge_within_days=3)
    return service


@pytest.fixture
def programme(council):
    return Programme.objects.create(
        name="Healthy Relationships",
        organisation=council,
        places=2,
        starts_on=dt.date(2025, 1, 1),
        acknowledge_within_days=5,
    )


@pytest.fixture
def person(officer):
    return people_services.create_person(
        actor=officer,
        legal_regime=LegalRegime.LAW_ENFORCEMENT,
        purpose="prevention referral",
        retention_class=RetentionClass.CASEWORK,
        forenames="Tess",
        surname="Durbeyfield",
        date_of_birth=dt.date(1990, 5, 1),
        sex="F",
    )


CONSENT = {
    "consent_basis": ConsentBasis.CONSENT,
    "consent_given_by": ConsentGivenBy.PERSON,
    "consent_scope": "share with the family support hub",
}


@pytest.fixture
def make_referral(officer, person, service):
    def make(actor=None, *, target=None, with_consent=True, **fields):
        actor = actor or officer
        target = target or service
        kwargs = {"service": target} if isinstance(target, Service) else {"programme": target}
        if with_consent:
            fields = {**CONSENT, "consent_given_at": timezone.now(), **fields}
        return services.create_referral(
            actor=actor, person=fields.pop("person", person), reason="Struggling with a teenager", **kwargs, **fields
        )

    return make
