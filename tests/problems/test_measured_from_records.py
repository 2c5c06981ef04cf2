"""The after measure, the concentration charts and the map of open plans, worked out from data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from problems_helpers import fill_analysis, fill_scanning, move, write_policeuk, write_records_store

from upstream.core.models import AuditEvent
from upstream.places.models import Area, AreaLevel
from upstream.problems import queries, records_measures, services
from upstream.problems.models import PlanEvent, Stage

# DuckDB 2 warns through Ibis 12 about a renamed Arrow method; it is theirs, not ours.
pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def places(ward, other_ward):
    """The plan's ward with a neighbourhood, a neighbouring ward with one, and a comparison ward elsewhere."""
    Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="E01000001", name="Durnover North", parent=ward)
    Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="E01000002", name="Fordington East", parent=other_ward)
    elsewhere = Area.objects.create(level=AreaLevel.LOCAL_AUTHORITY, code="E06000009", name="Elsewhere")
    return Area.objects.create(level=AreaLevel.WARD, code="E05000009", name="Comparison ward", parent=elsewhere)


@pytest.fixture
def responding(plan, officer, supervisor, places):
    """A plan with a January baseline that reached the response stage on 1 March 2025."""
    fill_scanning(plan, officer)
    plan.refresh_from_db()
    services.update_plan(
        actor=officer,
        plan=plan,
        expected_version=plan.version,
        baseline_start=dt.date(2025, 1, 1),
        baseline_end=dt.date(2025, 1, 31),
    )
    move(plan, supervisor, Stage.ANALYSIS)
    plan, _finding = fill_analysis(plan, officer)
    move(plan, supervisor, Stage.RESPONSE)
    PlanEvent.objects.filter(plan=plan, to_stage=Stage.RESPONSE).update(
        occurred_at=dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    )
    plan.refresh_from_db()
    return plan


def test_before_and_after_from_the_records_store(settings, responding, officer):
    write_records_store(Path(settings.ANALYTICS_DIR))
    found = queries.automatic_measure(officer, responding, today=TODAY)
    assert found.method == records_measures.RECORDS
    assert "records store" in found.method_text
    assert (found.before.start, found.before.end) == (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert (found.after.start, found.after.end, found.partial) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31), False)
    by_kind = {row.key: (row.before, row.after) for row in found.rows}
    assert by_kind == {"call": (4, 1), "incident": (0, 1), "crime": (1, 0)}
    assert (found.total.before, found.total.after) == (5, 2)
    assert found.total.change.absolute == -3
    # Displacement: the neighbouring ward had nothing before and one crime after.
    assert found.surrounding == (0, 1)
    assert found.surrounding_names == ["Fordington"]


def test_a_comparison_area_gives_the_difference_in_differences(settings, responding, officer, places):
    write_records_store(Path(settings.ANALYTICS_DIR))
    responding.comparison_area = places
    responding.save()
    found = queries.automatic_measure(officer, responding, today=TODAY)
    assert found.comparison == (0, 0)
    assert found.comparison_name == "Comparison ward"


def test_an_after_period_still_running_is_cut_at_yesterday(settings, responding, officer):
    write_records_store(Path(settings.ANALYTICS_DIR))
    found = queries.automatic_measure(officer, responding, today=dt.date(2025, 3, 11))
    assert (found.after.end, found.partial) == (dt.date(2025, 3, 10), True)
    assert found.total.after == 1


def test_police_uk_where_the_force_has_no_records(settings, responding, officer):
    write_policeuk(
        Path(settings.ANALYTICS_DIR),
        [("2025-01", "E01000001"), ("2025-01", "E01000001"), ("2025-01", "E01000002"), ("2025-03", "E01000001")],
    )
    found = queries.automatic_measure(officer, responding, today=TODAY)
    assert found.method == records_measures.POLICEUK
    assert "police.uk" in found.method_text
    assert (found.total.before, found.total.after) == (2, 1)
    assert found.surrounding == (1, 0)


def test_police_uk_months_not_imported_are_named(settings, responding, officer):
    write_policeuk(Path(settings.ANALYTICS_DIR), [("2025-01", "E01000001")])
    found = queries.automatic_measure(officer, responding, today=TODAY)
    assert isinstance(found, records_measures.Unavailable)
    assert "2025-03" in found.reason


def test_no_data_or_no_response_says_what_to_do(settings, plan, responding, officer):
    found = queries.automatic_measure(officer, responding, today=TODAY)
    assert "upstream records import" in found.reason
    fresh = services.create_plan(
        actor=officer, title="New", problem_type="asb", team=plan.team, area=plan.area, supervisor=plan.supervisor
    )
    assert "response stage" in queries.automatic_measure(officer, fresh, today=TODAY).reason


def test_the_assessment_shows_the_measure_and_the_figures_can_be_used(settings, responding, officer, signed_in):
    write_records_store(Path(settings.ANALYTICS_DIR))
    PlanEvent.objects.filter(plan=responding, to_stage=Stage.RESPONSE).update(
        occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    )
    client = signed_in(officer)
    page = client.get(f"/problems/{responding.pk}/").content.decode()
    assert "Measured from data" in page
    assert "records store" in page
    detail = client.get(f"/problems/{responding.pk}/measures/")
    assert detail.status_code == 200
    assert "Use these figures" in detail.content.decode()
    responding.refresh_from_db()
    used = client.post(f"/problems/{responding.pk}/measures/use/", {"version": responding.version, "measure": "all"})
    assert used.status_code == 302
    responding.refresh_from_db()
    assert responding.baseline_value is not None
    assert responding.after_value is not None
    assert responding.after_start == (dt.datetime.now(dt.UTC) - dt.timedelta(days=40)).astimezone().date()
    assert AuditEvent.objects.filter(tag="problems:plan:update", object_id=str(responding.pk)).exists()
    stale = client.post(f"/problems/{responding.pk}/measures/use/", {"version": 1, "measure": "all"})
    assert stale.status_code == 302


def test_the_concentration_page_charts_each_table(settings, responding, officer, signed_in):
    write_records_store(Path(settings.ANALYTICS_DIR))
    found = queries.concentration(officer, responding, today=TODAY)
    tables = {t.key: t for t in found.tables}
    assert found.total_events == 5
    assert tables["locations"].rows[2] == ["3-4", 1, 3, "60.0%"]
    assert "account for 60.0% of the events" in tables["locations"].summary
    assert tables["victims"].rows[2][1] == 1
    assert tables["weekday"].rows[0] == ["Monday", 2]
    assert tables["area"].rows == [["Durnover North (E01000001)", 4], ["Durnover (E05000001)", 1]]
    client = signed_in(officer)
    page = client.get(f"/problems/{responding.pk}/concentration/").content.decode()
    for key in ("locations", "victims", "offenders", "hour", "weekday", "month", "area"):
        assert f'id="table-{key}"' in page
        assert f'id="chart-{key}-title"' in page
    square = {"type": "Polygon", "coordinates": [[[-2.44, 50.71], [-2.43, 50.71], [-2.43, 50.72], [-2.44, 50.71]]]}
    Area.objects.filter(code="E01000001").update(boundary=square)
    collection = client.get(f"/problems/{responding.pk}/concentration.geojson").json()
    assert [(f["properties"]["code"], f["properties"]["events"]) for f in collection["features"]] == [("E01000001", 4)]


def test_a_partner_outside_the_plan_cannot_see_its_measures(responding, charity_caseworker, signed_in):
    client = signed_in(charity_caseworker)
    assert client.get(f"/problems/{responding.pk}/measures/").status_code == 404
    assert client.get(f"/problems/{responding.pk}/concentration/").status_code == 404


def test_the_map_of_open_plans_and_its_table(plan, make_plan, other_ward, supervisor, signed_in):
    plan.latitude, plan.longitude = 50.71, -2.43
    plan.save()
    other_ward.centroid_latitude, other_ward.centroid_longitude = 50.72, -2.45
    other_ward.save()
    placed_by_area = make_plan(title="Fordington bikes", area=other_ward)
    unplaced = make_plan(title="Nowhere yet")
    client = signed_in(supervisor)
    collection = client.get("/problems/dashboard/plans.geojson").json()
    by_ref = {f["properties"]["reference"]: f for f in collection["features"]}
    assert by_ref[plan.reference]["geometry"]["coordinates"] == [-2.43, 50.71]
    assert by_ref[placed_by_area.reference]["properties"]["placed_by"] == "area"
    assert unplaced.reference not in by_ref
    page = client.get("/problems/dashboard/").content.decode()
    assert 'id="table-map"' in page
    assert "Not on the map" in page
    assert 'data-geojson-url="/problems/dashboard/plans.geojson"' in page
