"""Lists never return what the policy forbids, nor hide what it allows.

For random organisations, staff, people and shares (live, expired, revoked, to an organisation or to one
person), the queryset filter `scoped` must give exactly the people `can` allows, one by one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.models import AccessGrant
from upstream.core.policy import can, scoped
from upstream.core.roles import Role
from upstream.people import queries
from upstream.people.models import Household, Person

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
GRANT_STATES = ["live", "live_until_later", "expired", "revoked"]

users_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 2)),  # organisation index, or none
        st.lists(st.sampled_from(ROLES), max_size=3, unique=True),
        st.booleans(),  # active
    ),
    min_size=1,
    max_size=4,
)
people_strategy = st.lists(st.integers(0, 2), min_size=0, max_size=6)  # controller index per person
grants_strategy = st.lists(
    st.tuples(
        st.integers(0, 5),  # person index (wrapped)
        st.sampled_from(["organisation", "user"]),
        st.integers(0, 3),  # grantee index (wrapped)
        st.sampled_from(GRANT_STATES),
    ),
    max_size=6,
)


def build(users_spec, people_spec, grants_spec):
    now = timezone.now()
    organisations = [
        Organisation.objects.create(name=f"Organisation {i}", kind=OrganisationKind.OTHER) for i in range(3)
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
    people = [
        Person.objects.create(
            controller=organisations[org], legal_regime="uk_gdpr", purpose="p", surname=f"P{i}", created_by=creator
        )
        for i, org in enumerate(people_spec)
    ]
    for person_index, kind, grantee_index, state in grants_spec:
        if not people:
            break
        person = people[person_index % len(people)]
        AccessGrant.objects.create(
            object_type="people.person",
            object_id=str(person.pk),
            granted_to_organisation_id=organisations[grantee_index % 3].pk if kind == "organisation" else None,
            granted_to_user=users[grantee_index % len(users)] if kind == "user" else None,
            granted_by=creator,
            purpose="p",
            expires_at={
                "expired": now - dt.timedelta(minutes=1),
                "live_until_later": now + dt.timedelta(days=1),
            }.get(state),
            revoked_at=now - dt.timedelta(minutes=1) if state == "revoked" else None,
        )
    return users


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(users_spec=users_strategy, people_spec=people_strategy, grants_spec=grants_strategy)
def test_scoped_people_are_exactly_those_the_policy_allows_one_by_one(db, users_spec, people_spec, grants_spec):
    # Each example builds its own small world and rolls it back, so examples never see each other's rows.
    with transaction.atomic():
        users = build(users_spec, people_spec, grants_spec)
        everyone = list(Person.objects.all())
        for user in users:
            for action in ("people:person:view", "people:person:update", "people:person:share"):
                listed = set(scoped(user, action, Person.objects.all()).values_list("pk", flat=True))
                allowed = {p.pk for p in everyone if can(user, action, p)}
                assert listed == allowed, (user.username, user.roles, action)
        transaction.set_rollback(True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(users_spec=users_strategy, people_spec=people_strategy, grants_spec=grants_strategy)
def test_the_people_list_page_never_shows_a_person_the_policy_refuses(db, users_spec, people_spec, grants_spec):
    # Each example builds its own small world and rolls it back, so examples never see each other's rows.
    with transaction.atomic():
        users = build(users_spec, people_spec, grants_spec)
        for user in users:
            if not can(user, "people:person:view"):
                continue
            shown = queries.list_people(user, page_size=1000).people
            assert all(can(user, "people:person:view", p) for p in shown)
            assert len(shown) == sum(1 for p in Person.objects.all() if can(user, "people:person:view", p))
        transaction.set_rollback(True)


def test_households_are_scoped_the_same_way(db):
    force = Organisation.objects.create(name="Force", kind=OrganisationKind.POLICE_FORCE)
    council = Organisation.objects.create(name="Council", kind=OrganisationKind.COUNCIL)
    officer = User.objects.create(username="o", organisation=force, roles=[Role.OFFICER])
    caseworker = User.objects.create(username="c", organisation=council, roles=[Role.PARTNER_CASEWORKER])
    ours = Household.objects.create(controller=force, address_line_1="1 Lane", created_by=officer)
    shared = Household.objects.create(controller=force, address_line_1="2 Lane", created_by=officer)
    AccessGrant.objects.create(
        object_type="people.household",
        object_id=str(shared.pk),
        granted_to_organisation_id=council.pk,
        granted_by=officer,
        purpose="p",
    )
    for user in (officer, caseworker):
        listed = set(scoped(user, "people:household:view", Household.objects.all()))
        assert listed == {h for h in (ours, shared) if can(user, "people:household:view", h)}
    assert set(scoped(caseworker, "people:household:view", Household.objects.all())) == {shared}
