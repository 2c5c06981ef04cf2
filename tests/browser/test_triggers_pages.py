"""Trigger queue pages in a browser: axe-core finds no WCAG 2.2 AA violation, and decisions work without JavaScript."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def _helpers():
    name = "triggers_queue_helpers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[1] / "triggers" / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _queue(user, settings):
    """Writes the hand-made household as a linked store and runs the rules into the user's organisation's queue."""
    from upstream.accounts.models import Team
    from upstream.places.models import Area, AreaLevel
    from upstream.triggers import services
    from upstream.triggers.models import Trigger

    _helpers().write_store(Path(settings.DATA_DIR))
    ward = Area.objects.create(level=AreaLevel.WARD, code="E05000777", name="Browser Ward")
    Area.objects.create(level=AreaLevel.NEIGHBOURHOOD, code="E01000001", name="High Street", parent=ward)
    team = Team.objects.create(
        organisation=user.organisation, name="Browser Neighbourhood Team", is_neighbourhood_team=True
    )
    team.areas.set([ward])
    services.start_run(actor=user, as_of=dt.date(2025, 12, 31))
    return Trigger.objects.get(resolved_person_id="R_C1")


def test_trigger_pages_have_no_axe_violations(browser_page, sign_in, assert_no_axe_violations, settings):
    page = browser_page
    user = sign_in(page, "supervisor")
    trigger = _queue(user, settings)
    for path in (
        "/triggers/",
        "/triggers/?band=referral",
        f"/triggers/queue/{trigger.pk}/",
        f"/triggers/runs/{trigger.last_run_id}/",
        "/triggers/demand/",
        "/triggers/demand/?list=repeat_location",
        "/triggers/disparity/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
    # A dismissal without a reason shows the error summary, which must pass axe too.
    page.goto(f"/triggers/queue/{trigger.pk}/")
    page.locator("#dismiss-form button.govuk-button").click()
    page.wait_for_load_state()
    assert "Enter the reason for dismissing this trigger" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)


def test_a_trigger_is_assigned_and_a_stale_dismissal_refused_without_javascript(nojs_page, sign_in, settings):
    from upstream.triggers.models import Trigger, TriggerStatus

    page = nojs_page
    user = sign_in(page, "analyst")
    trigger = _queue(user, settings)
    page.goto("/triggers/")
    page.get_by_role("link", name=trigger.reference).click()
    page.wait_for_load_state()
    assert "Household members in the evidence" in page.content()
    # The suggested team is chosen already: the neighbourhood team covering the child's address.
    page.locator("#assign-form button.govuk-button").click()
    page.wait_for_load_state()
    assert Trigger.objects.get(pk=trigger.pk).status == TriggerStatus.ASSIGNED
    assert "assigned to Browser Neighbourhood Team" in page.content()
    # Someone else changes it while this page is open: the dismissal is refused and said plainly.
    Trigger.objects.filter(pk=trigger.pk).update(version=trigger.version + 5)
    page.fill("#dismiss-reason", "Known to social care")
    page.locator("#dismiss-form button.govuk-button").click()
    page.wait_for_load_state()
    assert "Someone else changed this trigger after you opened it" in page.locator(".govuk-error-summary").inner_text()
    assert Trigger.objects.get(pk=trigger.pk).status == TriggerStatus.ASSIGNED


def test_run_now_works_without_javascript_and_shows_the_outcome(nojs_page, sign_in, settings):
    page = nojs_page
    user = sign_in(page, "analyst")
    _helpers().write_store(Path(settings.DATA_DIR))
    page.goto("/triggers/")
    page.locator("details summary").click()
    page.fill("#as_of", "2025-12-31")
    page.get_by_role("button", name="Run the rules").click()
    page.wait_for_load_state()
    assert "/triggers/runs/" in page.url
    assert "Finished" in page.content()
    assert user.organisation.triggers.count() > 0
