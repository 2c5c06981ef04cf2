"""The duplicate finder: which pairs it offers, why, and that decisions stick (and merges merge)."""

from __future__ import annotations

import pytest

from upstream.accounts.models import User
from upstream.core.models import AuditEvent
from upstream.core.roles import Role
from upstream.directory.models import (
    Address,
    DuplicateDecision,
    Location,
    Metadata,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    StaffNote,
)
from upstream.directory.workspace import services
from upstream.directory.workspace.duplicates import find_duplicates
from upstream.directory.workspace.services import WorkspaceError

pytestmark = pytest.mark.django_db


def _at(service, postcode):
    location = Location.objects.create(name="Hall")
    Address.objects.create(location=location, address_1="1 High Street", postal_code=postcode)
    ServiceAtLocation.objects.create(service=service, location=location)


@pytest.fixture
def coordinator():
    return User.objects.create_user(username="keeper", roles=[Role.DIRECTORY_COORDINATOR])


@pytest.fixture
def pair():
    org = Organization.objects.create(name="Vale Recovery Network")
    first = Service.objects.create(organization=org, name="Kestle Moor Drug and alcohol service", description="Help.")
    second = Service.objects.create(
        organization=org, name="Kestle Moor Drug and alcohol (Vale Recovery Network)", url="https://vrn.example/"
    )
    _at(first, "ZZ1 1AB")
    _at(second, "zz11ab")
    return first, second


def test_a_service_entered_twice_is_offered_with_reasons(pair):
    first, second = pair
    unrelated = Service.objects.create(name="Southmarsh Food bank")
    _at(unrelated, "ZZ1 1AB")
    found = find_duplicates()
    assert len(found) == 1
    candidate = found[0]
    assert {candidate.first.pk, candidate.second.pk} == {first.pk, second.pk}
    assert "same organisation" in candidate.reasons
    assert "same postcode" in candidate.reasons


def test_different_services_of_one_organisation_are_not_offered():
    org = Organization.objects.create(name="Avonmere Foodshare")
    Service.objects.create(organization=org, name="Kestle Moor Food bank")
    Service.objects.create(organization=org, name="Harbourside Lunch club")
    assert find_duplicates() == []


def test_same_phone_and_alike_names_across_organisations():
    a = Service.objects.create(organization=Organization.objects.create(name="One"), name="Debt advice line")
    b = Service.objects.create(organization=Organization.objects.create(name="Two"), name="Debt advice helpline")
    Phone.objects.create(service=a, number="01632 960555")
    Phone.objects.create(service=b, number="+44 1632 960555")
    found = find_duplicates()
    assert len(found) == 1
    assert "same phone number" in found[0].reasons


def test_not_a_duplicate_is_remembered(coordinator, pair):
    first, second = pair
    services.decide_duplicate(actor=coordinator, first=second, second=first, merge=False)
    assert find_duplicates() == []
    with pytest.raises(WorkspaceError):
        services.decide_duplicate(actor=coordinator, first=first, second=second, merge=False)
    assert DuplicateDecision.objects.count() == 1
    assert AuditEvent.objects.filter(tag="directory:duplicate:decide").count() == 1


def test_merging_fills_blanks_closes_the_other_and_logs_it(coordinator, pair):
    first, second = pair
    StaffNote.objects.create(service=second, text="Ask for Sam.")
    with pytest.raises(WorkspaceError):
        services.decide_duplicate(actor=coordinator, first=first, second=second, merge=True, keep=None)
    services.decide_duplicate(actor=coordinator, first=first, second=second, merge=True, keep=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.url == "https://vrn.example/"  # filled from the duplicate
    assert first.description == "Help."  # kept its own
    assert second.status == ServiceStatus.DEFUNCT
    assert StaffNote.objects.get().service == first
    assert Metadata.objects.get(resource_id=second.pk, field_name="merged_into").replacement_value == str(first.pk)
    assert find_duplicates() == []
