"""Places analysis pages in a browser: the area page, the force map, the concentration page and the allocation
tool pass axe-core (WCAG 2.2 AA) with JavaScript, work without it (the tables are the page), and keep the CSP."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
LAYERS = ("counts", "rates", "harm", "hotspots", "typology", "change", "vli")


def _demo_run():
    """Builds the demo force's places, generated crime and its finished analysis; returns the run and a hot spot."""
    import csv

    from upstream.demo.registry import DemoContext, discover_steps, run_demo
    from upstream.places.models import AnalysisRun
    from upstream.places.tasks import run_folder

    run_demo(DemoContext(seed=2026), steps=[s for s in discover_steps() if s.name == "upstream.places.demo"])
    run = AnalysisRun.objects.get()
    with (run_folder(run) / "hotspots.csv").open() as handle:
        hot = next(r["area_code"] for r in csv.DictReader(handle) if r["class"] == "hot spot")
    return run, hot


def test_analysis_pages_have_no_axe_violations_and_the_map_draws(browser_page, sign_in, assert_no_axe_violations):
    page = browser_page
    sign_in(page, "analyst")
    run, hot = _demo_run()
    pages = [
        "/places/analysis/",
        "/places/analysis/new/",
        f"/places/analysis/{run.pk}/",
        f"/places/{hot}/",
        f"/places/analysis/{run.pk}/concentration/",
        f"/places/analysis/{run.pk}/allocation/",
        f"/places/analysis/{run.pk}/priorities/new/",
        *[
            f"/places/analysis/{run.pk}/map/?layer={key}"
            for key in ("counts", "rates", "harm", "hotspots", "typology", "change")
        ],
    ]
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        if "/map/" in path:
            page.wait_for_selector("#force-map[data-map-ready='true']")
            assert page.locator("#force-map-section").is_visible()
            assert page.locator("#force-map path.leaflet-interactive").count() == 300
        if path == f"/places/{hot}/":
            page.wait_for_selector("#area-map[data-map-ready='true']")
            page.wait_for_selector("#trend-vega[data-chart-ready='true']")
            assert not page.locator("#trend-svg").is_visible()
        if path.endswith("/concentration/"):
            page.wait_for_selector("#lorenz-vega[data-chart-ready='true'] svg")
        assert_no_axe_violations(page)
    # A form with an error passes too.
    page.goto(
        f"/places/analysis/{run.pk}/allocation/?officers=5&floor=3&weight_harm=1&weight_demand=1&weight_vulnerability=1"
    )
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)


def test_without_javascript_the_tables_are_the_page_and_the_allocation_tool_works(nojs_page, sign_in):
    page = nojs_page
    sign_in(page, "supervisor")
    run, hot = _demo_run()
    page.goto(f"/places/analysis/{run.pk}/map/?layer=hotspots")
    assert not page.locator("#force-map-section").is_visible()
    assert page.locator("#map-table tbody tr").count() == 300
    page.locator("input[name='layer'][value='typology']").check()
    page.locator("#layer-submit").click()
    page.wait_for_load_state()
    assert "layer=typology" in page.url
    assert "Type of need by area" in page.locator("#map-table caption").inner_text()

    page.goto(f"/places/{hot}/")
    assert page.locator("#profile-summary").is_visible()
    assert page.locator("#monthly-table tbody tr").count() == 15
    assert "hot spot" in page.locator("#profile-summary").inner_text()

    page.goto(f"/places/analysis/{run.pk}/concentration/")
    assert page.locator("#lorenz-svg svg").is_visible()  # the server's SVG of the Lorenz curve
    assert run.summary["statement"] in page.locator("#statement").inner_text()
    assert page.locator("#lorenz-table tbody tr").count() == 11

    page.goto(f"/places/analysis/{run.pk}/allocation/")
    page.fill("#officers", "90")
    page.fill("#floor", "1")
    page.locator("main form button.govuk-button").click()
    page.wait_for_load_state()
    assert page.locator("#total-allocated").inner_text().strip() == "90"


def test_analysis_pages_break_no_content_security_policy_rule(strict_page, sign_in):
    page = strict_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, "analyst")
    run, hot = _demo_run()
    page.goto(f"/places/analysis/{run.pk}/map/?layer=typology")
    page.wait_for_selector("#force-map[data-map-ready='true']")
    # The Vega-Lite charts draw under the strict CSP (Vega's expression interpreter, no eval).
    page.goto(f"/places/{hot}/")
    page.wait_for_selector("#trend-vega[data-chart-ready='true'] svg")
    page.goto(f"/places/analysis/{run.pk}/concentration/")
    page.wait_for_selector("#lorenz-vega[data-chart-ready='true'] svg")
    page.goto(f"/places/analysis/{run.pk}/")
    page.wait_for_load_state("networkidle")
    assert not problems, "\n".join(problems)


def _earlier_and_dead_runs(run):
    """Returns a second finished run (an earlier one, reading the same files) and a run left by a dead worker."""
    import datetime as dt

    from django.utils import timezone

    from upstream.places.models import AnalysisRun, RunStatus

    same = {f: getattr(run, f) for f in ("force", "level", "first_month", "last_month", "need_weights", "officers")}
    # Labelled as the three months before the demo's period (its figures are the demo run's own files).
    earlier = AnalysisRun.objects.create(
        **{**same, "first_month": "2025-04", "last_month": "2025-06"}, status=RunStatus.SUCCEEDED,
        output_dir=run.output_dir, manifest=run.manifest, summary=run.summary, finished_at=timezone.now(),
    )  # fmt: skip
    AnalysisRun.objects.filter(pk=earlier.pk).update(created_at=run.created_at - dt.timedelta(days=1))
    dead = AnalysisRun.objects.create(**same, status=RunStatus.RUNNING, started_at=timezone.now())
    AnalysisRun.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    return earlier, dead


def test_a_dead_run_and_an_area_in_an_earlier_run_pass_axe_and_work_without_javascript(
    browser_page, nojs_page, sign_in, assert_no_axe_violations
):
    analyst = sign_in(browser_page, "analyst")
    run, hot = _demo_run()
    earlier, dead = _earlier_and_dead_runs(run)
    from upstream.places import services
    from upstream.places.models import Area

    # A priority set whose baseline is the earlier period, compared with the demo's run after it.
    chosen = services.save_priority_set(
        actor=analyst, force=run.force, name="Spring", reason="Most harm",
        areas=[Area.objects.get(code=hot)], run=earlier,
    )  # fmt: skip
    for path in (
        f"/places/analysis/{dead.pk}/",
        f"/places/{hot}/?run={earlier.pk}",
        f"/places/{hot}/",
        f"/places/priorities/{chosen.pk}/",
    ):
        assert browser_page.goto(path).status == 200, path
        assert_no_axe_violations(browser_page)
    browser_page.goto(f"/places/analysis/{dead.pk}/")
    assert "stopped answering" in browser_page.locator("#run-progress").inner_text()
    browser_page.goto(f"/places/priorities/{chosen.pk}/")
    assert "crimes a month in the baseline" in browser_page.locator("#before-after-total").inner_text()

    page = nojs_page
    sign_in(page, "analyst")
    page.goto(f"/places/{hot}/")
    assert page.locator("#run-history tbody tr").count() == 2
    page.locator(f"#run-history a[href$='?run={earlier.pk}#profile']").click()
    page.wait_for_load_state()
    assert f"run {earlier.pk}" in page.locator("#earlier-run").inner_text()
    assert page.locator("#profile-summary").is_visible()
    page.goto(f"/places/analysis/{dead.pk}/")
    page.locator("#run-again button").click()
    page.wait_for_load_state()
    assert f"started with the same choices as run {dead.pk}" in page.locator("main").inner_text()
