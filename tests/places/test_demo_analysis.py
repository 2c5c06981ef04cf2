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
