import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from upstream.core.audit import AuditTag
from upstream.core.audit_chain import verify_chain
from upstream.core.models import AccessGrant, AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.core.roles import Role
from upstream.people import services
from upstream.people.models import (
    Basis,
    DatePrecision,
    HouseholdMembership,
    HouseholdRelationship,
    Person,
    PersonRecordRole,
    RecordRoleKind,
    Sex,
)

pytestmark = pytest.mark.django_db


def last_event():
    return AuditEvent.objects.order_by("-sequence").first()


def test_creating_a_person_holds_them_for_the_creators_organisation_and_audits_a_collection(officer, make_person):
    person = make_person(officer, postcode="dt1 1aa")
    assert person.controller_id == officer.organisation_id
    assert person.created_by == officer
    assert person.postcode == "DT1 1AA"
    event = last_event()
    assert (event.tag, event.operation) == (AuditTag.PEOPLE_PERSON_CREATE, "collection")
    assert (event.object_type, event.object_id, event.actor_label) == ("people.person", str(person.pk), "officer")
    assert event.purpose == "missing person enquiry"


def test_a_partial_date_of_birth_keeps_its_precision(officer, make_person):
    born_1987 = make_person(officer, date_of_birth=dt.date(1987, 6, 14), date_of_birth_precision=DatePrecision.YEAR)
    assert (born_1987.date_of_birth, born_1987.date_of_birth_precision) == (dt.date(1987, 1, 1), "year")
    born_june = make_person(officer, date_of_birth=dt.date(1987, 6, 14), date_of_birth_precision=DatePrecision.MONTH)
    assert (born_june.date_of_birth, born_june.date_of_birth_precision) == (dt.date(1987, 6, 1), "month")
    exact = make_person(officer, date_of_birth=dt.date(1987, 6, 14))
    assert exact.date_of_birth_precision == "day"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DIRECTORY_COORDINATOR, Role.ADMINISTRATOR])
def test_roles_that_do_not_record_casework_cannot_add_people(make_user, force, make_person, role):
    user = make_user("someone", force, role)
    with pytest.raises(PermissionDenied):
        make_person(user)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_invalid_person_is_refused_and_nothing_is_audited(officer, make_person):
    with pytest.raises(ValidationError):
        make_person(officer, sex="Q")
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_updating_audits_the_names_of_the_changed_fields_but_never_their_values(officer, person):
    services.update_person(actor=officer, person=person, surname="d'Urberville", phone="07700 900123", town="")
    person.refresh_from_db()
    assert person.surname == "d'Urberville"
    event = last_event()
    assert (event.tag, event.operation) == (AuditTag.PEOPLE_PERSON_UPDATE, "alteration")
    assert event.detail == {"fields": ["phone", "surname"]}  # town was already blank: not a change
    assert "Urberville" not in str(event.detail)
    assert "07700" not in str(event.detail)


def test_an_update_that_changes_nothing_writes_no_audit_event(officer, person):
    before = AuditEvent.objects.count()
    services.update_person(actor=officer, person=person, surname=person.surname)
    assert AuditEvent.objects.count() == before


def test_the_controller_cannot_be_changed_by_an_update(officer, person, council):
    with pytest.raises(ValueError, match="controller"):
        services.update_person(actor=officer, person=person, controller=council)


def test_staff_of_an_organisation_the_person_is_shared_with_may_read_but_not_change(
    supervisor, caseworker, person, council
):
    services.share_person(actor=supervisor, person=person, organisation=council, purpose="early help")
    with pytest.raises(PermissionDenied):
        services.update_person(actor=caseworker, person=person, surname="Clare")


def test_erasure_blanks_personal_fields_keeps_a_tombstone_and_audits_an_erasure(supervisor, make_person, officer):
    person = make_person(
        officer,
        date_of_birth=dt.date(2001, 2, 3),
        sex=Sex.FEMALE,
        phone="07700 900123",
        email="tess@example.com",
        other_names="Tess d'Urberville",
        address_line_1="1 Marlott Lane",
        town="Casterbridge",
    )
    services.erase_person(actor=supervisor, person=person, reason="retention period ended")
    person.refresh_from_db()
    assert person.is_erased
    assert person.erased_by == supervisor
    for field in ("forenames", "surname", "other_names", "address_line_1", "town", "postcode", "phone", "email"):
        assert getattr(person, field) == "", field
    assert person.date_of_birth is None
    assert person.sex == Sex.UNKNOWN
    # What the record was held for survives; nothing was deleted.
    assert (person.purpose, person.controller_id) == ("missing person enquiry", officer.organisation_id)
    assert Person.objects.count() == 1
    event = last_event()
    assert (event.tag, event.operation, event.purpose) == (
        AuditTag.PEOPLE_PERSON_ERASE,
        "erasure",
        "retention period ended",
    )


def test_only_supervisors_erase(officer, person):
    with pytest.raises(PermissionDenied):
        services.erase_person(actor=officer, person=person, reason="no longer needed")
    person.refresh_from_db()
    assert not person.is_erased


def test_an_erased_person_cannot_be_changed_or_shared(supervisor, person, council):
    services.erase_person(actor=supervisor, person=person, reason="right to erasure")
    with pytest.raises(ValidationError):
        services.update_person(actor=supervisor, person=person, surname="Back")
    with pytest.raises(ValidationError):
        services.share_person(actor=supervisor, person=person, organisation=council, purpose="x")


def test_sharing_creates_a_grant_and_audits_a_disclosure_naming_the_recipient(supervisor, person, council):
    expires = timezone.now() + dt.timedelta(days=30)
    grant = services.share_person(
        actor=supervisor,
        person=person,
        organisation=council,
        purpose="early help assessment",
        agreement="Casterbridge ISA 2026",
        expires_at=expires,
    )
    assert (grant.object_type, grant.object_id) == ("people.person", str(person.pk))
    assert grant.granted_to_organisation_id == council.pk
    assert grant.granted_by == supervisor
    event = last_event()
    assert (event.tag, event.operation) == (AuditTag.PEOPLE_PERSON_SHARE, "disclosure")
    assert "Casterbridge Council" in event.recipient
    assert event.purpose == "early help assessment"
    assert event.detail["agreement"] == "Casterbridge ISA 2026"


def test_sharing_with_one_user_names_them_as_recipient(supervisor, person, caseworker):
    grant = services.share_person(actor=supervisor, person=person, user=caseworker, purpose="joint visit")
    assert grant.granted_to_user == caseworker
    assert "caseworker" in last_event().recipient


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Choose one"),
        ({"purpose": " "}, "purpose"),
        ({"expires_at": timezone.now() - dt.timedelta(days=1)}, "future"),
    ],
)
def test_a_share_without_a_recipient_purpose_or_future_end_is_refused(supervisor, person, council, kwargs, message):
    arguments = {"organisation": council, "purpose": "early help", **kwargs}
    if not kwargs:
        arguments.pop("organisation")
    with pytest.raises(ValidationError, match=message):
        services.share_person(actor=supervisor, person=person, **arguments)
    assert not AccessGrant.objects.exists()


def test_officers_cannot_share(officer, person, council):
    with pytest.raises(PermissionDenied):
        services.share_person(actor=officer, person=person, organisation=council, purpose="early help")


def test_a_supervisor_elsewhere_cannot_pass_on_a_person_shared_with_them(
    supervisor, council_supervisor, person, council, make_user
):
    services.share_person(actor=supervisor, person=person, organisation=council, purpose="early help")
    with pytest.raises(PermissionDenied):
        services.share_person(actor=council_supervisor, person=person, organisation=council, purpose="onward")


def test_households_and_members_are_audited_against_the_household(officer, person):
    household = services.create_household(actor=officer, address_line_1="1 Marlott Lane", postcode="dt1 1ab")
    assert (household.controller_id, household.postcode) == (officer.organisation_id, "DT1 1AB")
    assert last_event().tag == AuditTag.PEOPLE_HOUSEHOLD_CREATE
    membership = services.add_household_member(
        actor=officer,
        household=household,
        person=person,
        relationship=HouseholdRelationship.CHILD,
        from_date=dt.date(2020, 1, 1),
    )
    assert HouseholdMembership.objects.get() == membership
    event = last_event()
    assert (event.tag, event.object_id, event.detail["added_person"]) == (
        AuditTag.PEOPLE_HOUSEHOLD_UPDATE,
        str(household.pk),
        person.pk,
    )


def test_a_membership_cannot_end_before_it_starts(officer, person):
    household = services.create_household(actor=officer, address_line_1="1 Marlott Lane")
    with pytest.raises(ValidationError):
        services.add_household_member(
            actor=officer,
            household=household,
            person=person,
            relationship=HouseholdRelationship.HEAD,
            from_date=dt.date(2020, 1, 1),
            to_date=dt.date(2019, 1, 1),
        )


def test_a_person_from_another_organisation_cannot_join_a_household(officer, caseworker, make_person):
    household = services.create_household(actor=officer, address_line_1="1 Marlott Lane")
    theirs = make_person(caseworker, legal_regime="uk_gdpr")
    with pytest.raises(PermissionDenied):
        services.add_household_member(actor=officer, household=household, person=theirs)


def test_a_role_in_a_record_is_recorded_as_fact_or_assessment(officer, person):
    row = services.record_role(
        actor=officer,
        person=person,
        record_type="referrals.referral",
        record_id=42,
        role=RecordRoleKind.CHILD_PRESENT,
        basis=Basis.ASSESSMENT,
    )
    assert PersonRecordRole.objects.get() == row
    assert (row.record_id, row.basis, row.recorded_by) == ("42", "assessment", officer)
    event = last_event()
    assert (event.tag, event.operation) == (AuditTag.PEOPLE_PERSON_ROLE_RECORD, "collection")
    assert event.detail == {
        "record_type": "referrals.referral",
        "record_id": "42",
        "role": "child_present",
        "basis": "assessment",
    }


def test_linking_to_a_resolved_person_is_audited_as_a_combination(supervisor, person):
    services.link_person(actor=supervisor, person=person, resolved_person_id="rp-000123")
    person.refresh_from_db()
    assert person.resolved_person_id == "rp-000123"
    assert (last_event().tag, last_event().operation) == (AuditTag.PEOPLE_PERSON_LINK, "combination")


def test_if_the_audit_write_fails_no_person_is_stored(officer, make_person, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditEvent, "save", refuse)
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        make_person(officer)
    assert not Person.objects.exists()


def test_if_the_audit_write_fails_an_erasure_does_not_happen(supervisor, person, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditEvent, "save", refuse)
    with pytest.raises(RuntimeError):
        services.erase_person(actor=supervisor, person=person, reason="retention period ended")
    person.refresh_from_db()
    assert not person.is_erased
    assert person.surname == "Durbeyfield"


def test_the_chain_holds_after_a_day_of_casework(officer, supervisor, person, council):
    services.update_person(actor=officer, person=person, phone="07700 900123")
    services.share_person(actor=supervisor, person=person, organisation=council, purpose="early help")
    services.erase_person(actor=supervisor, person=person, reason="retention period ended")
    report = verify_chain()
    assert report.intact
    assert report.checked == AuditEvent.objects.count() == 4
