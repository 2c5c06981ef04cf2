"""Importing a records extract from the web in a browser: upload, progress, outcome and errors pass axe-core."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))
from pole_extracts import write_extract  # noqa: E402 - the records tests' hand-made extract


@pytest.fixture
def extract(tmp_path):
    """Returns the files of a small good extract."""
    return sorted(write_extract(tmp_path / "extract").glob("*.csv"))


def test_an_analyst_uploads_an_extract_and_sees_it_imported(
    extract, browser_page, sign_in, assert_no_axe_violations, settings
):
    page = browser_page
    sign_in(page, "analyst")
    page.goto("/records/")
    page.get_by_role("link", name="Import a records extract").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    # Nothing chosen: the error summary says what to do.
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    assert "Choose the extract's files" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Extract files").set_input_files(extract)
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    assert "/records/imports/" in page.url
    page.wait_for_function("document.querySelector('#import-status').innerText.includes('Finished')", timeout=60_000)
    assert "Rows by table" in page.content()
    assert_no_axe_violations(page)
    assert (Path(settings.ANALYTICS_DIR) / "records" / "CURRENT").exists()
    # A file cut short: the import fails, saying which file and what to do.
    people = next(p for p in extract if p.name == "people.csv")
    people.write_bytes(people.read_bytes()[:-20])
    page.goto("/records/imports/new/")
    page.get_by_label("Extract files").set_input_files(extract)
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    assert "people.csv looks truncated" in page.locator("#import-status").inner_text()
    assert_no_axe_violations(page)


def test_a_truncated_file_fails_plainly_without_javascript(extract, nojs_page, sign_in):
    people = next(p for p in extract if p.name == "people.csv")
    people.write_bytes(people.read_bytes()[:-20])
    page = nojs_page
    sign_in(page, "analyst")
    page.goto("/records/imports/new/")
    page.get_by_label("Extract files").set_input_files(extract)
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    text = page.locator("#import-status").inner_text()
    assert "The import did not finish" in text
    assert "people.csv looks truncated" in text
    assert "the records store is as it was before" in text
