"""A caseworker never sees another organisation's referrals; lists equal the record-by-record policy.

For random organisations, staff in random roles, and referrals between random organisations in random
states, `scoped` gives exactly the referrals `can` allows one by one, and a partner caseworker's reach is
only what their organisation sent or received (never a draft it was not yet sent).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.policy import can, scoped
from upstream.core.roles import Role
from upstream.directory.models import Service
from upstream.people.models import Person
from upstream.referrals import queries
from upstream.referrals.models import Referral, Status

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
ORGANISATIONS = 3

users_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, ORGANISATIONS - 1)),
        st.lists(st.sampled_from(ROLES), max_size=3, unique=True),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
referrals_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, ORGANISATIONS - 1)),  # referring organisation (none: self-referral)
        st.integers(0, ORGANISATIONS - 1),  # receiving organisation
        st.sampled_from(Status.values),
    ),
    max_size=8,
)


def build(users_spec, referrals_spec):
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
    service = Service.objects.create(name="Service")
    for i, (referring, receiving, status) in enumerate(referrals_spec):
        person = Person.objects.create(
            controller=organisations[referring if referring is not None else receiving],
            legal_regime="uk_gdpr",
            purpose="p",
            surname=f"P{i}",
            created_by=creator,
        )
        Referral.objects.create(
            person=person,
            service=service,
            receiving_organisation=organisations[receiving],
            referring_organisation=organisations[referring] if referring is not None else None,
            reason="r",
            status=status,
        )
    return users


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(users_spec=users_strategy, referrals_spec=referrals_strategy)
def test_scoped_referrals_are_exactly_those_the_policy_allows(db, users_spec, referrals_spec):
    # Each example builds its own small world and rolls it back, so examples never see each other's rows.
    with transaction.atomic():
        users = build(users_spec, referrals_spec)
        everyone = list(Referral.objects.all())
        for user in users:
            for action in ("referrals:referral:view", "referrals:referral:receive", "referrals:referral:send"):
                listed = set(scoped(user, action, Referral.objects.all()).values_list("pk", flat=True))
                allowed = {r.pk for r in everyone if can(user, action, r)}
                assert listed == allowed, (user.username, user.roles, action)
        transaction.set_rollback(True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(users_spec=users_strategy, referrals_spec=referrals_strategy)
def test_a_caseworker_never_sees_another_organisations_referrals(db, users_spec, referrals_spec):
    with transaction.atomic():
        users = build(users_spec, referrals_spec)
        for user in users:
            if Role.PARTNER_CASEWORKER not in user.roles or not user.is_active:
                continue
            seen = scoped(user, "referrals:referral:view", Referral.objects.all())
            for referral in seen:
                sent_by_us = referral.referring_organisation_id == user.organisation_id
                sent_to_us = referral.receiving_organisation_id == user.organisation_id
                assert sent_by_us or (sent_to_us and referral.status != Status.DRAFT)
            if user.organisation_id is not None:
                expected = Referral.objects.filter(receiving_organisation_id=user.organisation_id).exclude(
                    status=Status.DRAFT
                )
                assert set(expected) <= set(seen)
            page = queries.list_referrals(user, box="inbox", page_size=1000)
            assert all(r.receiving_organisation_id == user.organisation_id for r in page.referrals)
        transaction.set_rollback(True)


def test_the_directory_coordinator_and_the_administrator_see_no_referral(
    make_referral, make_user, force, council, officer
):
    make_referral()
    for role in (Role.DIRECTORY_COORDINATOR, Role.ADMINISTRATOR, Role.ANALYST):
        for organisation in (force, council):
            user = make_user(f"{role}-{organisation.pk}", organisation, role)
            assert not scoped(user, "referrals:referral:view", Referral.objects.all()).exists()
            assert not can(user, "referrals:referral:view", Referral.objects.get())
