"""The dashboard's figures against a fixture whose every number is known."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from upstream.core.models import AuditEvent
from upstream.problems import queries, services
from upstream.problems.models import ActionStatus, ProblemPlan


@pytest.fixture
def fixture(closed_plan, make_plan, officer, other_ward):
    today = timezone.localdate()
    older = make_plan(title="Drug dealing by the station", problem_type="drugs")
    ProblemPlan.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    newer = make_plan(title="Noise at the skate park", area=other_ward)
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    services.add_action(actor=officer, plan=older, description="Warrant", technique="enforcement", due_date=yesterday)
    done = services.add_action(actor=officer, plan=older, description="Signs", technique="support", due_date=yesterday)
    services.update_action(actor=officer, action=done, expected_version=done.version, status=ActionStatus.DONE)
    services.add_action(actor=officer, plan=older, description="Meeting", technique="support", due_date=tomorrow)
    return {"closed": closed_plan, "older": older, "newer": newer, "today": today}


def _table(board, key):
    return next(t for t in board.tables if t.key == key).rows


def test_dashboard_figures(fixture, supervisor):
    board = queries.dashboard(supervisor, today=fixture["today"])
    assert (board.plan_count, board.open_count, board.overdue_count) == (3, 2, 1)
    assert _table(board, "stage") == [
        ["Scanning", 2],
        ["Analysis", 0],
        ["Response", 0],
        ["Assessment", 0],
        ["Closed", 1],
    ]
    assert _table(board, "area") == [["Durnover", 1], ["Fordington", 1]]
    assert _table(board, "team") == [["Casterbridge Neighbourhood Team", 2]]
    assert _table(board, "age") == [
        ["Under 30 days", 1],
        ["30 to 89 days", 0],
        ["90 to 179 days", 1],
        ["180 to 364 days", 0],
        ["A year or more", 0],
    ]
    overdue = _table(board, "overdue")
    assert [(row[0], row[1], row[4]) for row in overdue] == [(fixture["older"].reference, "Warrant", 1)]
    # Scores: the closed plan 50% (see test_rubric), the older plan 5% (only "not only enforcement": 2 of 42),
    # the newer plan 0%.
    assert _table(board, "scores") == [["0–19%", 2], ["20–39%", 0], ["40–59%", 1], ["60–79%", 0], ["80–100%", 0]]
    assert sum(row[1] for row in _table(board, "trend")) == 3
    assert _table(board, "reduced") == [[fixture["closed"].reference, fixture["closed"].title, "-30%", ""]]
    assert _table(board, "types") == [["Young people causing disorder", 2], ["Drug dealing or use", 1]]


def test_dashboard_filters_by_area(fixture, supervisor, other_ward):
    board = queries.dashboard(supervisor, area_id=other_ward.pk, today=fixture["today"])
    assert board.plan_count == 1
    whole_authority = queries.dashboard(supervisor, area_id=other_ward.parent_id, today=fixture["today"])
    assert whole_authority.plan_count == 3


def test_a_partner_dashboard_counts_only_joined_plans(fixture, officer, council, caseworker):
    assert queries.dashboard(caseworker).plan_count == 0
    services.add_partner(actor=officer, plan=fixture["older"], organisation=council)
    board = queries.dashboard(caseworker, today=fixture["today"])
    assert board.plan_count == 1
    assert board.overdue_count == 1


def test_the_dashboard_csv_is_audited_as_an_export(fixture, supervisor, signed_in):
    client = signed_in(supervisor)
    response = client.get("/problems/dashboard.csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Plans by stage" in text
    assert "Scanning,2" in text
    assert AuditEvent.objects.filter(tag="problems:dashboard:export").count() == 1
