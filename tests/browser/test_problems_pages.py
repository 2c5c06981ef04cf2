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
