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
