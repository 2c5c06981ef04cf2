"""Fixtures for accounts: an organisation, users, authenticator devices and the two-step sign-in."""

from __future__ import annotations

import pytest
from accounts_helpers import PASSWORD

from upstream.accounts.models import Organisation, OrganisationKind, User
from upstream.core.roles import Role


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Wessex Police", kind=OrganisationKind.POLICE_FORCE)


@pytest.fixture
def make_user(organisation):
    def make(username="alice", roles=(Role.OFFICER,), **fields):
        user = User(username=username, organisation=organisation, roles=list(roles), **fields)
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def officer(make_user):
    return make_user("alice", roles=[Role.OFFICER])
