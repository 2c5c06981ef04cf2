"""The demo force gets generated police.uk crime, deprivation and one finished analysis, once."""

from __future__ import annotations

import csv
from collections import Counter


def places_step(seed=2026):
    from upstream.demo.registry import DemoContext, discover_steps, run_demo

    steps = [s for s in discover_steps() if s.name == "upstream.places.demo"]
    return run_demo(DemoContext(seed=seed), steps=steps)[0].counts


def test_the_demo_seeds_one_finished_analysis_with_a_pattern_to_find(db):
    from upstream.places.demo import DEMO_HARM_NOTE, DEMO_PERIOD
    from upstream.places.models import AnalysisRun, RunStatus
    from upstream.places.tasks import run_folder
    from upstream_analytics.places.store import read_deprivation

    counts = places_step()
    assert counts["analysis runs created"] == 1
    run = AnalysisRun.objects.get()
    assert (run.status, run.level, (run.first_month, run.last_month)) == (RunStatus.SUCCEEDED, "lsoa", DEMO_PERIOD)
    assert run.manifest["notes"][0] == DEMO_HARM_NOTE
    assert len(run.manifest["months_stored"]) == 15
    assert 0.1 < run.summary["gini"] < 0.9
    assert run.summary["unlocated"] > 0
    with (run_folder(run) / "hotspots.csv").open() as handle:
        classes = Counter(r["class"] for r in csv.DictReader(handle))
    assert classes["hot spot"] > 0
    with (run_folder(run) / "change.csv").open() as handle:
        assert "emerging" in {r["status"] for r in csv.DictReader(handle)}
    deprivation = read_deprivation(run_folder(run).parents[2] / "analytics")
    assert deprivation is not None
    assert deprivation["lsoa_code"].str.startswith("Z01").sum() == 300
    # A second run of the demo leaves the analysis as it was.
    assert places_step()["analysis runs unchanged"] == 1
    assert AnalysisRun.objects.count() == 1


def test_the_demo_keeps_real_deprivation_rows(db, settings):
    import pandas as pd

    from upstream_analytics.places.store import read_deprivation, write_deprivation

    real = pd.DataFrame({"lsoa_code": ["E01000001"], "imd_rank": pd.array([5], dtype="Int64"), "n_ranked": [32844]})
    write_deprivation(settings.ANALYTICS_DIR, real)
    places_step()
    stored = read_deprivation(settings.ANALYTICS_DIR)
    assert "E01000001" in set(stored["lsoa_code"])
    assert len(stored) == 301


def test_emerging_areas_surface_on_the_run_page_and_the_change_layer(db, staff, signed_in):
    from upstream.places.models import AnalysisRun
    from upstream.places.tasks import run_folder

    places_step()
    run = AnalysisRun.objects.get()
    with (run_folder(run) / "change.csv").open() as handle:
        emerging = sorted(r["area_code"] for r in csv.DictReader(handle) if r["status"] == "emerging")
    client = signed_in(staff("officer"))
    page = client.get(f"/places/analysis/{run.pk}/").content.decode()
    assert 'id="emerging-table"' in page
    for code in emerging:
        assert f'href="/places/{code}/"' in page
    layer = client.get(f"/places/analysis/{run.pk}/map/", {"layer": "change"}).content.decode()
    assert "upstream-swatch--d4351c" in layer  # emerging, in the key and the table
    geojson = client.get(f"/places/analysis/{run.pk}/areas.geojson").json()
    labels = {f["properties"]["code"]: f["properties"]["change_label"] for f in geojson["features"]}
    assert sorted(code for code, label in labels.items() if label == "emerging") == emerging


def test_a_priority_set_is_compared_with_a_later_analysis(db, staff, signed_in, django_capture_on_commit_callbacks):
    from upstream.places import services
    from upstream.places.models import AnalysisRun, Area, RunStatus
    from upstream.places.results import by_area

    places_step()
    later = AnalysisRun.objects.get()  # the demo's run: July to September 2025
    analyst = staff("analyst")
    with django_capture_on_commit_callbacks(execute=True):
        baseline = services.start_analysis(
            actor=analyst, force=later.force, level="lsoa", first_month="2025-04", last_month="2025-05",
            permutations=9,
        )  # fmt: skip
    baseline.refresh_from_db()
    assert baseline.status == RunStatus.SUCCEEDED, baseline.error
    before, after = by_area(baseline), by_area(later)
    codes = sorted(before, key=lambda c: -int(before[c]["crimes"]))[:2]
    areas = list(Area.objects.filter(code__in=codes))
    chosen = services.save_priority_set(
        actor=analyst, force=later.force, name="Spring", reason="Most crime", areas=areas, run=baseline
    )
    page = signed_in(analyst).get(f"/places/priorities/{chosen.pk}/").content.decode()
    assert f'href="/places/analysis/{later.pk}/"' in page
    before_monthly = sum(int(before[c]["crimes"]) for c in codes) / 2  # two months
    after_monthly = sum(int(after[c]["crimes"]) for c in codes) / 3  # three months
    assert f"{before_monthly:,.1f} crimes a month in the baseline and {after_monthly:,.1f} after" in page
    for code in codes:
        assert f"{int(after[code]['crimes']):,}" in page
    # A set whose baseline is the newest period has nothing to compare with yet.
    newest = services.save_priority_set(
        actor=analyst, force=later.force, name="Summer", reason="Most crime", areas=areas, run=later
    )
    assert (
        "No finished analysis of a later period yet"
        in signed_in(analyst).get(f"/places/priorities/{newest.pk}/").content.decode()
    )
