"""Record linkage pages in a browser: review queue and person page pass axe-core, with and without JavaScript."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def linked_force(tmp_path_factory):
    """Returns a data folder with a small generated force imported and linked."""
    from upstream_analytics.generator import generate, write
    from upstream_analytics.linkage.pipeline import run_link
    from upstream_analytics.records.importer import import_extract

    root = tmp_path_factory.mktemp("browser-records")
    write(generate(300, 3, seed=2), root / "extract")
    import_extract(root / "extract", root / "data" / "analytics")
    run_link(root / "data" / "analytics", root / "data" / "runs" / "link")
    return root / "data"


@pytest.fixture
def linked(linked_force, settings):
    """Copies the linked force into this test's data folder (the live server reads the same settings)."""
    shutil.copytree(linked_force, Path(settings.DATA_DIR), dirs_exist_ok=True)
    link = Path(settings.RUNS_DIR) / "link"
    pairs = pd.read_csv(link / "clerical_review.csv", dtype=str)
    resolved = pd.read_csv(link / "people_resolved.csv", dtype=str)
    sizes = resolved.groupby("resolved_person_id")["person_id"].apply(sorted)
    group = next((rid, ids) for rid, ids in sizes.items() if len(ids) > 1)
    return {"pair": (pairs.iloc[0]["person_id_l"], pairs.iloc[0]["person_id_r"]), "group": group}


def test_review_and_person_pages_have_no_axe_violations(linked, browser_page, sign_in, assert_no_axe_violations):
    page = browser_page
    sign_in(page, "analyst")
    left, right = linked["pair"]
    rid, ids = linked["group"]
    for path in (
        "/records/",
        f"/records/?q={ids[0]}",
        "/records/review/",
        f"/records/review/{left}/{right}/",
        f"/records/people/{rid}/",
        f"/records/people/{rid}/link/",
        f"/records/people/{rid}/unlink/{ids[-1]}/",
        "/records/history/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
    # A decision with JavaScript on: the error summary first, then the saved decision.
    page.goto(f"/records/review/{left}/{right}/")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    assert "Choose whether the two records are the same person" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Not the same person").check()
    page.get_by_label("Reason (optional)").fill("Twins: different forenames, same date of birth and address")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    assert "Decision saved" in page.content()
    assert_no_axe_violations(page)
    page.goto("/records/history/")
    assert "Twins: different forenames" in page.content()
    assert_no_axe_violations(page)


def test_a_run_started_from_the_page_shows_its_progress_and_outcome(
    linked, browser_page, sign_in, assert_no_axe_violations
):
    page = browser_page
    sign_in(page, "supervisor")
    page.goto("/records/")
    page.get_by_role("button", name="Run the linkage now").click()
    page.wait_for_load_state()
    assert "/records/runs/" in page.url
    assert "Finished" in page.locator("#run-status").inner_text()
    assert_no_axe_violations(page)


def test_deciding_and_unlinking_work_without_javascript(linked, nojs_page, sign_in):
    from upstream.records.models import Decision, LinkDecision

    page = nojs_page
    sign_in(page, "analyst")
    left, right = linked["pair"]
    page.goto(f"/records/review/{left}/{right}/")
    page.get_by_label("The same person", exact=True).check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    assert LinkDecision.objects.filter(person_id_l=left, person_id_r=right, decision=Decision.MATCH).exists()
    rid, ids = linked["group"]
    page.goto(f"/records/people/{rid}/")
    page.get_by_role("link", name=f"Unlink record {ids[-1]}").click()
    page.wait_for_load_state()
    page.get_by_label("Why this record is a different person").fill("Different PNC ids")
    page.get_by_role("button", name="Unlink the record").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/records/people/{rid}/")
    assert "the next run applies" in page.content()
    assert LinkDecision.objects.filter(decision=Decision.NON_MATCH, reason="Different PNC ids").count() == len(ids) - 1
