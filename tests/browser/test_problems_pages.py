"""Problem-solving pages in a browser: axe-core finds no WCAG 2.2 AA violation, and they work without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.browser


def _world(user):
    """Returns a plan owned by the user's organisation, with a team, a ward, a supervisor and an action."""
    from upstream.accounts.models import Team, User
    from upstream.places.models import Area, AreaLevel
    from upstream.problems import services

    organisation = user.organisation
    force_area, _ = Area.objects.get_or_create(
        code="force:browser", defaults={"level": AreaLevel.FORCE, "name": "Browser"}
    )
    ward, _ = Area.objects.get_or_create(
        code="E05999999", defaults={"level": AreaLevel.WARD, "name": "Lowmarsh", "parent": force_area}
    )
    team, _ = Team.objects.get_or_create(organisation=organisation, name="Lowmarsh Neighbourhood Team")
    supervisor = next((u for u in User.objects.filter(organisation=organisation) if u.has_role("supervisor")), None)
    if supervisor is None:
        supervisor = User.objects.create_user(
            username="browser-supervisor", organisation=organisation, roles=["supervisor"]
        )
    actor = user if "supervisor" in user.roles or "officer" in user.roles else supervisor
    plan = services.create_plan(
        actor=actor, title="Fires set in the bin store", problem_type="criminal_damage", team=team, area=ward,
        supervisor=supervisor,
    )  # fmt: skip
    services.add_action(
        actor=actor, plan=plan, description="Lock the bin store", technique="control_access", agency=organisation,
        owner_name="Caretaker", due_date=dt.date(2020, 1, 1),
    )  # fmt: skip
    return plan, team, ward, supervisor


def test_plan_pages_and_dashboard_have_no_axe_violations(browser_page, sign_in, assert_no_axe_violations):
    page = browser_page
    user = sign_in(page, "supervisor")
    plan, *_rest = _world(user)
    for path in (
        "/problems/",
        "/problems/new/",
        f"/problems/{plan.pk}/",
        f"/problems/{plan.pk}/stage/scanning/",
        f"/problems/{plan.pk}/stage/analysis/",
        f"/problems/{plan.pk}/stage/assessment/",
        f"/problems/{plan.pk}/actions/add/",
        f"/problems/{plan.pk}/surveys/add/",
        f"/problems/{plan.pk}/score/override/",
        "/problems/dashboard/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)


def test_a_refused_move_shows_the_error_summary_and_passes_axe(browser_page, sign_in, assert_no_axe_violations):
    page = browser_page
    user = sign_in(page, "supervisor")
    plan, *_rest = _world(user)
    page.goto(f"/problems/{plan.pk}/")
    page.locator("#move ~ form button.govuk-button").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter the baseline figure" in summary.inner_text()
    assert_no_axe_violations(page)


def test_a_plan_is_started_and_its_scanning_filled_in_without_javascript(nojs_page, sign_in):
    from upstream.problems.models import ProblemPlan

    page = nojs_page
    user = sign_in(page, "supervisor")
    _plan, team, ward, supervisor = _world(user)
    page.goto("/problems/new/")
    page.fill("#title", "Cars damaged on Mill Lane")
    page.select_option("#problem_type", "vehicle_crime")
    page.select_option("#team", str(team.pk))
    page.select_option("#area", str(ward.pk))
    page.select_option("#supervisor", str(supervisor.pk))
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()
    plan = ProblemPlan.objects.get(title="Cars damaged on Mill Lane")
    assert page.url.endswith(f"/problems/{plan.pk}/")
    page.goto(f"/problems/{plan.pk}/stage/scanning/")
    page.fill("#who_harmed", "Residents parking on the lane")
    page.fill("#baseline_value", "not a number")
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    page.fill("#baseline_value", "18")
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert (plan.who_harmed, plan.baseline_value) == ("Residents parking on the lane", 18)
    assert page.url.endswith(f"/problems/{plan.pk}/#scanning")


def test_plan_pages_break_no_content_security_policy_rule(strict_page, sign_in):
    page = strict_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    user = sign_in(page, "supervisor")
    plan, *_rest = _world(user)
    for path in ("/problems/", f"/problems/{plan.pk}/", f"/problems/{plan.pk}/stage/scanning/", "/problems/dashboard/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert not problems, "\n".join(problems)


def _measured_world(user, analytics_dir):
    """Returns the user's plan, placed on the map and past the start of its response, with a small records store."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from upstream.places.models import Area, AreaLevel
    from upstream.problems.models import PlanEvent, Stage

    plan, _team, ward, _supervisor = _world(user)
    square = {"type": "Polygon", "coordinates": [[[-2.59, 51.44], [-2.57, 51.44], [-2.57, 51.46], [-2.59, 51.44]]]}
    neighbourhood = {"level": AreaLevel.NEIGHBOURHOOD, "name": "Lowmarsh North", "parent": ward, "boundary": square}
    Area.objects.get_or_create(code="E01999999", defaults=neighbourhood)
    plan.latitude, plan.longitude, plan.stage = 51.45, -2.58, Stage.RESPONSE
    plan.save()
    PlanEvent.objects.create(
        plan=plan, kind="moved", from_stage="analysis", to_stage="response", actor=user, actor_label="browser",
        occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
    )  # fmt: skip
    folder = analytics_dir / "records" / "versions" / "v000001"
    folder.mkdir(parents=True, exist_ok=True)
    when = [pd.Timestamp.now() - pd.Timedelta(days=d) for d in (60, 45, 44, 10)]
    pq.write_table(
        pa.table({"location_id": ["L1", "L2"], "area_code": ["E01999999", "E05999999"]}), folder / "locations.parquet"
    )
    pq.write_table(
        pa.table({
            "event_id": ["E1", "E2", "E3", "E4"], "event_type": ["CALL", "CALL", "CRIME", "CALL"],
            "occurred_at": pa.array(when, type=pa.timestamp("us")), "location_id": ["L1", "L1", "L2", "L1"],
            # The plan is about criminal damage: E4, a burglary call, is not counted.
            "category": ["Criminal damage", "Graffiti", "Crime", "Burglary"], "offence_code": [None, None, "58A", None],
        }),
        folder / "events.parquet",
    )  # fmt: skip
    pq.write_table(
        pa.table({"event_id": ["E1", "E2"], "person_id": ["P1", "P1"], "role": ["VICTIM", "VICTIM"]}),
        folder / "involvements.parquet",
    )
    (analytics_dir / "records" / "CURRENT").write_text("v000001\n")
    return plan


def test_measures_concentration_and_the_map_of_open_plans_pass_axe(
    browser_page, sign_in, assert_no_axe_violations, settings
):
    from pathlib import Path

    page = browser_page
    user = sign_in(page, "supervisor")
    plan = _measured_world(user, Path(settings.ANALYTICS_DIR))
    for path in (f"/problems/{plan.pk}/measures/", f"/problems/{plan.pk}/concentration/", f"/problems/{plan.pk}/"):
        response = page.goto(path)
        assert response.status == 200, path
        if path.endswith("/concentration/"):
            page.wait_for_selector("#events-map[data-map-ready=true]")
        assert_no_axe_violations(page)
    assert "records store" in page.content()
    assert "Criminal damage" in page.locator("#measured").inner_text()
    page.goto("/problems/dashboard/")
    page.wait_for_selector("#plans-map[data-map-ready=true]")
    assert page.locator("#plans-map .leaflet-interactive").count() >= 1
    assert_no_axe_violations(page)


def test_without_javascript_the_map_is_its_table_and_measured_figures_are_used(nojs_page, sign_in, settings):
    from pathlib import Path

    page = nojs_page
    user = sign_in(page, "supervisor")
    plan = _measured_world(user, Path(settings.ANALYTICS_DIR))
    page.goto("/problems/dashboard/")
    assert page.locator("#table-map").is_visible()
    assert not page.locator("#plans-map-section").is_visible()
    assert plan.reference in page.locator("#table-map").inner_text()
    page.goto(f"/problems/{plan.pk}/concentration/")
    assert page.locator("#table-area").is_visible()
    assert not page.locator("#events-map-section").is_visible()
    page.goto(f"/problems/{plan.pk}/measures/")
    page.get_by_role("button", name="Use these figures").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.after_value is not None
    assert plan.baseline_value is not None


def test_the_problem_is_placed_on_a_map_of_its_area(browser_page, sign_in, assert_no_axe_violations, settings):
    from pathlib import Path

    page = browser_page
    user = sign_in(page, "supervisor")
    plan = _measured_world(user, Path(settings.ANALYTICS_DIR))
    page.goto(f"/problems/{plan.pk}/stage/scanning/")
    page.wait_for_selector("#location-map[data-map-ready=true]")
    assert page.locator("#location-map-section").is_visible()
    assert page.locator("#latitude").input_value() == "51.45"  # the plan's point is shown
    assert_no_axe_violations(page)
    page.locator("#location-map").click()  # the middle of the map, inside the neighbourhood
    latitude = float(page.locator("#latitude").input_value())
    longitude = float(page.locator("#longitude").input_value())
    assert 51.44 <= latitude <= 51.46
    assert -2.59 <= longitude <= -2.57
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert (round(plan.latitude, 6), round(plan.longitude, 6)) == (latitude, longitude)


def test_without_javascript_the_point_is_typed_in(nojs_page, sign_in, settings):
    from pathlib import Path

    page = nojs_page
    user = sign_in(page, "supervisor")
    plan = _measured_world(user, Path(settings.ANALYTICS_DIR))
    page.goto(f"/problems/{plan.pk}/stage/scanning/")
    assert not page.locator("#location-map-section").is_visible()
    page.fill("#latitude", "51.452")
    page.fill("#longitude", "-2.581")
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert (plan.latitude, plan.longitude) == (51.452, -2.581)
