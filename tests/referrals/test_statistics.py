"""Statistics against a hand-counted fixture, with small counts suppressed on exports that leave the organisation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from upstream.core.models import AuditEvent
from upstream.core.policy import PermissionDenied
from upstream.core.roles import Role
from upstream.directory.models import Service
from upstream.referrals import statistics
from upstream.referrals.models import Referral, Status

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def manager(make_user, force):
    return make_user("manager", force, Role.SUPERVISOR)


@pytest.fixture
def world(force, council, charity, programme):
    """Twelve referrals from the force, two between other organisations (which must not be counted)."""
    hub = Service.objects.create(name="Family Support Hub")
    spec = [
        # (target, status, sex, age band, source, accepted after days, outcome, decline reason)
        (hub, Status.COMPLETED, "F", "25-34", "call", 1, "goals_met", ""),
        (hub, Status.COMPLETED, "F", "25-34", "call", 3, "goals_partly_met", ""),
        (hub, Status.COMPLETED, "M", "18-24", "case", 4, "goals_met", ""),
        (hub, Status.DECLINED, "M", "18-24", "trigger", None, "", "no_capacity"),
        (hub, Status.DECLINED, "F", "35-49", "trigger", None, "", "no_capacity"),
        (hub, Status.DECLINED, "F", "35-49", "call", None, "", "not_eligible"),
        (hub, Status.SENT, "F", "10-17", "call", None, "", ""),
        (programme, Status.ACCEPTED, "M", "18-24", "case", 8, "", ""),
        (programme, Status.ACCEPTED, "M", "25-34", "case", 12, "", ""),
        (programme, Status.IN_PROGRESS, "M", "25-34", "case", 2, "", ""),
        (programme, Status.NOT_ENGAGED, "M", "25-34", "case", 0.5, "not_engaged", ""),
        (programme, Status.DRAFT, "U", "unknown", "other", None, "", ""),
    ]
    for target, status, sex, band, source, days, outcome, decline in spec:
        Referral.objects.create(
            service=target if isinstance(target, Service) else None,
            programme=None if isinstance(target, Service) else target,
            receiving_organisation=council,
            referring_organisation=force,
            reason="r",
            status=status,
            person_sex=sex,
            person_age_band=band,
            source_kind=source,
            sent_at=T0 if status != Status.DRAFT else None,
            accepted_at=T0 + dt.timedelta(days=days) if days is not None else None,
            outcome=outcome,
            decline_reason=decline,
        )
    for _ in range(2):
        Referral.objects.create(
            service=hub, receiving_organisation=charity, referring_organisation=council, reason="r", status="sent"
        )


def table(stats, key):
    return dict(next(t for t in stats.tables if t.key == key).rows)


def test_the_tables_match_the_hand_counts(manager, world):
    stats = statistics.compute(manager)
    assert stats.referral_count == 12
    assert table(stats, "service") == {"Family Support Hub": 7}
    assert table(stats, "programme") == {"Healthy Relationships": 5}
    assert table(stats, "sex") == {"Female": 5, "Male": 6, "Not known": 1}
    assert table(stats, "age_band") == {"25 to 34": 5, "18 to 24": 3, "35 to 49": 2, "10 to 17": 1, "Not known": 1}
    assert table(stats, "source") == {"A call for service": 4, "A case": 5, "A trigger": 2, "Other": 1}
    assert table(stats, "status") == {
        "Completed": 3,
        "Declined": 3,
        "Sent": 1,
        "Accepted": 2,
        "In progress": 1,
        "Not engaged": 1,
        "Draft": 1,
    }
    assert table(stats, "decline_reason") == {"No capacity": 2, "Not eligible": 1}
    assert table(stats, "outcome") == {"Goals met in full": 2, "Goals met in part": 1, "Not engaged": 1}
    # Accepted after 1, 3, 4, 8, 12, 2 and 0.5 days.
    assert table(stats, "time_to_acceptance") == {
        "Within 1 day": 2,
        "2 to 5 days": 3,
        "6 to 10 days": 1,
        "11 to 30 days": 1,
    }
    assert stats.median_days_to_acceptance == 3.0


def test_the_largest_rows_come_first(manager, world):
    rows = next(t for t in statistics.compute(manager).tables if t.key == "source").rows
    assert rows[0] == ("A case", 5)


def test_a_receiving_organisation_counts_what_it_received_but_not_drafts(make_user, council, world):
    council_manager = make_user("council-manager", council, Role.SUPERVISOR)
    stats = statistics.compute(council_manager)
    assert stats.referral_count == 11 + 2  # the force's sent ones, and the two the council sent to the charity


def test_exports_outside_the_organisation_hide_counts_under_five(manager, world):
    text = statistics.export(manager, suppress=True)
    rows = {(r["table"], r["category"]): r["count"] for r in csv.DictReader(io.StringIO(text))}
    assert rows[("age_band", "25 to 34")] == "5"
    assert rows[("age_band", "18 to 24")] == "<5"
    assert rows[("age_band", "10 to 17")] == "<5"
    assert rows[("service", "Family Support Hub")] == "7"
    # Every status here is under five, so all are hidden and none can be recovered from the total.
    assert rows[("status", "Completed")] == "<5"
    assert rows[("sex", "Male")] == "6"
    event = AuditEvent.objects.get(tag="referrals:statistics:export")
    assert event.detail["suppressed"] is True
    assert event.operation == "disclosure"


def test_one_hidden_cell_hides_the_next_smallest_so_it_cannot_be_subtracted():
    table = statistics.Table("t", "T", [("a", 10), ("b", 7), ("c", 2)])
    assert statistics.suppressed_rows(table) == [("a", "10"), ("b", "<5"), ("c", "<5")]


def test_exports_inside_the_organisation_keep_every_count(manager, world):
    text = statistics.export(manager, suppress=False)
    rows = {(r["table"], r["category"]): r["count"] for r in csv.DictReader(io.StringIO(text))}
    assert rows[("age_band", "10 to 17")] == "1"


def test_the_period_filters_by_creation_date(manager, world):
    Referral.objects.update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert statistics.compute(manager, date_from=dt.date(2026, 1, 1)).referral_count == 0
    assert statistics.compute(manager, date_to=dt.date(2025, 12, 31)).referral_count == 12


def test_officers_and_caseworkers_may_not_read_statistics(officer, caseworker):
    for user in (officer, caseworker):
        with pytest.raises(PermissionDenied):
            statistics.compute(user)


def test_acknowledgement_against_the_target_is_counted(manager, force, council):
    hub = Service.objects.create(name="Debt advice")
    due = dt.date(2026, 3, 5)
    cases = [
        (Status.RECEIVED, T0 + dt.timedelta(days=1)),  # on time
        (Status.ACCEPTED, T0 + dt.timedelta(days=3)),  # on the target day: on time
        (Status.RECEIVED, T0 + dt.timedelta(days=6)),  # late
        (Status.SENT, None),  # waiting past the target: overdue
        (Status.WITHDRAWN, None),  # closed before anyone acknowledged it
    ]
    for status, received in cases:
        Referral.objects.create(
            service=hub, receiving_organisation=council, referring_organisation=force, reason="r", status=status,
            sent_at=T0, received_at=received, acknowledge_by=due,
        )  # fmt: skip
    Referral.objects.create(
        service=hub, receiving_organisation=council, referring_organisation=force, reason="r", status=Status.SENT,
        sent_at=T0, acknowledge_by=dt.date(2999, 1, 1),
    )  # fmt: skip
    assert table(statistics.compute(manager), "acknowledged") == {
        "On time": 2,
        "Late": 1,
        "Waiting, overdue": 1,
        "Waiting, within target": 1,
        "Closed without acknowledgement": 1,
    }


def test_the_home_page_counts_overdue_referrals(manager, force, council, signed_in):
    hub = Service.objects.create(name="Debt advice")
    Referral.objects.create(
        service=hub, receiving_organisation=council, referring_organisation=force, reason="r", status=Status.SENT,
        sent_at=T0, acknowledge_by=dt.date(2026, 3, 5),
    )  # fmt: skip
    page = signed_in(manager).get("/").content.decode()
    assert re.search(r"Referrals: </span>1 <span class=\"upstream-panel-count__label\">overdue</span>", page)
