"""Analyses started from the web: a background task running the CLI's pipeline, results kept per run, and the
pages that read them (area profile, force map, concentration, allocation, priority areas), for Calderdale."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from upstream.core.models import AuditEvent
from upstream.places import services
from upstream.places.models import AnalysisRun, Area, PrioritySet, RunStatus

POLICEUK = "/work/shared/data/policeuk/2017-07-west-yorkshire-street.csv.gz"
IMD = "/work/shared/data/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
POPULATION = "/work/shared/data/imd/File_6_-_IoD2019_Population_Denominators.csv.gz"
HARM = "/work/shared/data/cchi/cchi_weights_by_category.csv"


def places(*args):
    out = StringIO()
    call_command("places", *map(str, args), stdout=out)
    return out.getvalue()


def harm_weights():
    with Path(HARM).open(encoding="utf-8") as handle:
        return {row["crime_type"]: float(row["cchi_days"]) for row in csv.DictReader(handle)}


@pytest.fixture
def loaded(calderdale):
    places("import-policeuk", POLICEUK)
    places("import-imd", IMD, "--population", POPULATION)
    return Area.objects.get(code="force:west-yorkshire")


@pytest.fixture
def analyst(staff):
    return staff("analyst")


@pytest.fixture
def run(loaded, analyst, django_capture_on_commit_callbacks):
    """Starts an LSOA analysis of Calderdale, July 2017, and lets the (immediate) task backend run it."""
    with django_capture_on_commit_callbacks(execute=True):
        started = services.start_analysis(
            actor=analyst, force=loaded, level="lsoa", first_month="2017-07", last_month="2017-07",
            harm_weights=harm_weights(), officers=60, floor=1, permutations=99,
        )  # fmt: skip
    started.refresh_from_db()
    return started


def test_a_run_calls_the_cli_pipeline_and_keeps_its_inputs_progress_and_outputs(run, tmp_path):
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.step == run.steps == 7  # reading areas, then six steps
    assert run.started_at <= run.finished_at
    assert run.manifest["parameters"]["permutations"] == 99
    assert run.manifest["inputs"]["harm_weights"]["path"].endswith("harm_weights.csv")
    assert run.harm_weights["Burglary"] == pytest.approx(244.68)
    # The same answer as the command line, on the same inputs.
    cli_out = tmp_path / "cli"
    places(
        "analyse", "--force", "West Yorkshire", "--from", "2017-07", "--to", "2017-07", "--level", "lsoa",
        "--out", cli_out, "--permutations", "99", "--harm-weights", HARM, "--officers", "60", "--floor", "1",
    )  # fmt: skip
    from upstream.places.tasks import run_folder

    folder = run_folder(run)
    for name in ("area_indicators.csv", "hotspots.csv", "typology.csv", "allocation.csv", "monthly.csv"):
        assert (folder / name).read_text() == (cli_out / name).read_text(), name
    assert run.summary == json.loads((cli_out / "concentration.json").read_text())
    event = AuditEvent.objects.get(tag="places:analysis:start")
    assert event.object_id == str(run.pk)
    # A task delivered twice does the work once.
    from upstream.places.tasks import run_analysis

    finished = run.finished_at
    assert run_analysis.call(run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.finished_at == finished


def test_a_run_that_cannot_start_says_what_to_import(calderdale, analyst, django_capture_on_commit_callbacks):
    force = Area.objects.get(code="force:west-yorkshire")
    with django_capture_on_commit_callbacks(execute=True):
        started = services.start_analysis(
            actor=analyst, force=force, level="ward", first_month="2017-07", last_month="2017-07"
        )
    started.refresh_from_db()
    assert started.status == RunStatus.FAILED
    assert "import-policeuk" in started.error


def test_only_analysts_and_supervisors_may_start_runs(loaded, staff):
    from upstream.core.policy import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.start_analysis(
            actor=staff("officer"), force=loaded, level="lsoa", first_month="2017-07", last_month="2017-07"
        )
    assert not AnalysisRun.objects.exists()


def test_start_page_queues_a_run_and_shows_its_progress(loaded, analyst, signed_in, django_capture_on_commit_callbacks):
    client = signed_in(analyst)
    assert client.get("/places/analysis/new/").status_code == 200
    bad = client.post("/places/analysis/new/", {"force": loaded.code, "first_month": "2017-13"})
    assert bad.status_code == 400
    assert "Enter the first month as YYYY-MM" in bad.content.decode()
    form = {
        "force": loaded.code, "first_month": "2017-07", "last_month": "2017-07", "level": "ward",
        "officers": "20", "floor": "1", "weight_harm": "0.5", "weight_demand": "0.3", "weight_vulnerability": "0.2",
        "harm_burglary": "244.68",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/places/analysis/new/", form)
    run = AnalysisRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/places/analysis/{run.pk}/"
    assert run.harm_weights == {"Burglary": 244.68}
    page = client.get(f"/places/analysis/{run.pk}/").content.decode()
    assert "Finished" in page
    assert "account for more crime than the bottom" in page
    fragment = client.get(f"/places/analysis/{run.pk}/?part=progress", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="run-progress"' in fragment
    assert "hx-trigger" not in fragment  # finished: no more polling


def test_progress_polls_while_queued(loaded, analyst, signed_in):
    client = signed_in(analyst)
    run = AnalysisRun.objects.create(
        force=loaded, level="lsoa", first_month="2017-07", last_month="2017-07", need_weights={"harm": 1}
    )
    fragment = client.get(f"/places/analysis/{run.pk}/?part=progress", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "Reload the page" in fragment


def test_area_page_shows_profile_trend_typology_and_hotspot(run, signed_in, staff):
    client = signed_in(staff("officer"))
    export = client.get(f"/places/analysis/{run.pk}/area_indicators.csv").getvalue().decode()
    row = max(csv.DictReader(io.StringIO(export)), key=lambda r: int(r["crimes"]))
    page = client.get(f"/places/{row['area_code']}/").content.decode()
    assert 'id="profile-summary"' in page
    assert f"{int(row['crimes']):,}" in page
    assert 'id="monthly-table"' in page
    assert "<svg" in page
    assert "Crimes by month" in page
    assert 'id="typology-table"' in page
    assert 'id="crime-types"' in page
    assert "Vulnerable Localities Index" in page
    assert "No force records were imported when this analysis ran" in page
    svg = client.get(f"/places/{row['area_code']}/trend.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"2017-07" in svg.getvalue()


def test_force_map_layers_tables_and_geojson(run, signed_in, staff):
    client = signed_in(staff("officer"))
    for layer in ("counts", "rates", "harm", "hotspots", "typology", "change", "vli"):
        page = client.get(f"/places/analysis/{run.pk}/map/?layer={layer}")
        assert page.status_code == 200
        assert 'id="map-table"' in page.content.decode()
    geojson = client.get(f"/places/analysis/{run.pk}/areas.geojson").json()
    assert len(geojson["features"]) == 128
    props = geojson["features"][0]["properties"]
    assert {"crimes", "crimes_rate", "harm", "hotspot_class", "type_of_need", "vli", "counts_colour"} <= set(props)
    assert {"change_colour", "change_label", "vli_colour", "vli_label"} <= set(props)
    assert sum(f["properties"]["crimes"] for f in geojson["features"]) == run.summary["located"]


def test_concentration_page_states_the_gini_top_shares_and_statement(run, signed_in, staff):
    client = signed_in(staff("officer"))
    page = client.get(f"/places/analysis/{run.pk}/concentration/").content.decode()
    assert run.summary["statement"] in page
    assert f"{run.summary['gini']:.3f}" in page
    assert 'id="lorenz-table"' in page
    assert 'id="top-shares"' in page
    assert "<polyline" in page
    top5 = run.summary["top_shares"]["top_5pct"]["share"]
    assert f"{100 * top5:.1f}%" in page
    svg = client.get(f"/places/analysis/{run.pk}/lorenz.svg")
    assert svg["Content-Type"] == "image/svg+xml"


def test_allocation_tool_allocates_every_officer_with_the_floor_and_exports_csv(run, signed_in, staff):
    client = signed_in(staff("supervisor"))
    default = client.get(f"/places/analysis/{run.pk}/allocation/")
    assert default.status_code == 200
    response = client.get(
        f"/places/analysis/{run.pk}/allocation/",
        {"officers": "100", "floor": "3", "weight_harm": "0", "weight_demand": "1", "weight_vulnerability": "0",
         "format": "csv"},
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert sum(int(r["officers"]) for r in rows) == 100
    assert all(int(r["officers"]) >= 3 for r in rows)
    # Demand only: the unit with most demand gets the most officers.
    assert max(rows, key=lambda r: float(r["need_share"]))["officers"] == str(max(int(r["officers"]) for r in rows))
    unit = rows[0]["unit_code"]
    changed = client.get(
        f"/places/analysis/{run.pk}/allocation/",
        {"officers": "100", "floor": "3", "weight_harm": "0", "weight_demand": "1", "weight_vulnerability": "0",
         f"current-{unit}": "1", "format": "csv"},
    )  # fmt: skip
    row = next(r for r in csv.DictReader(io.StringIO(changed.getvalue().decode())) if r["unit_code"] == unit)
    assert int(row["change"]) == int(row["officers"]) - 1
    too_many = client.get(
        f"/places/analysis/{run.pk}/allocation/",
        {"officers": "5", "floor": "3", "weight_harm": "1", "weight_demand": "1", "weight_vulnerability": "1"},
    )
    assert too_many.status_code == 400
    assert "cannot give" in too_many.content.decode()


def test_priority_areas_are_saved_with_reason_and_audited(run, signed_in, analyst):
    client = signed_in(analyst)
    codes = list(
        Area.objects.filter(level="lsoa", code__startswith="E0101").order_by("code").values_list("code", flat=True)[:2]
    )
    assert client.get(f"/places/analysis/{run.pk}/priorities/new/").status_code == 200
    missing = client.post(f"/places/analysis/{run.pk}/priorities/new/", {"name": "Summer", "areas": codes})
    assert missing.status_code == 400
    assert "Say why these areas are priorities" in missing.content.decode()
    response = client.post(
        f"/places/analysis/{run.pk}/priorities/new/", {"name": "Summer", "reason": "Top harm", "areas": codes}
    )
    chosen = PrioritySet.objects.get()
    assert response["Location"] == f"/places/priorities/{chosen.pk}/"
    assert sorted(chosen.areas.values_list("code", flat=True)) == codes
    assert (chosen.baseline_first_month, chosen.run) == ("2017-07", run)
    event = AuditEvent.objects.get(tag="places:priority:create")
    assert event.detail["areas"] == codes
    assert "Top harm" in client.get(f"/places/priorities/{chosen.pk}/").content.decode()
    assert "Summer" in client.get(f"/places/{codes[0]}/").content.decode()


def test_officers_may_read_results_but_not_start_or_prioritise(run, signed_in, staff):
    client = signed_in(staff("officer"))
    assert client.get("/places/analysis/").status_code == 200
    assert client.get("/places/analysis/new/").status_code == 403
    assert client.get(f"/places/analysis/{run.pk}/priorities/new/").status_code == 403


def test_exports_are_the_run_files(run, signed_in, staff):
    client = signed_in(staff("analyst", username="reader"))
    from upstream.places.tasks import run_folder

    for name in ("area_indicators", "hotspots", "change", "typology", "allocation"):
        response = client.get(f"/places/analysis/{run.pk}/{name}.csv")
        assert b"".join(response.streaming_content) == (run_folder(run) / f"{name}.csv").read_bytes()
    assert client.get(f"/places/analysis/{run.pk}/manifest.csv").status_code == 404


def test_force_events_from_the_records_store_join_the_profile(
    loaded, analyst, signed_in, settings, django_capture_on_commit_callbacks
):
    import pandas as pd

    lsoa = "E01010994"  # Calderdale's busiest LSOA in July 2017
    version = settings.ANALYTICS_DIR / "records" / "versions" / "v000001"
    version.mkdir(parents=True)
    pd.DataFrame({"location_id": ["A", "B"], "area_code": [lsoa, "E01999999"]}).to_parquet(
        version / "locations.parquet", index=False
    )
    when = pd.Timestamp("2017-07-14T12:00")
    pd.DataFrame(
        {
            "event_id": ["1", "2", "3", "4", "5"],
            "event_type": ["CALL", "CALL", "MISSING", "CALL", "CALL"],
            "occurred_at": [when, when, when, pd.Timestamp("2017-08-01"), when],
            "location_id": ["A", "A", "A", "A", "B"],
            "flags": ["DA", None, None, "DA", "DA"],
            "category": ["Domestic incident", "Noise", None, "Noise", "Domestic incident"],
        }
    ).to_parquet(version / "events.parquet", index=False, coerce_timestamps="us")
    (settings.ANALYTICS_DIR / "records" / "CURRENT").write_text("v000001")
    with django_capture_on_commit_callbacks(execute=True):
        started = services.start_analysis(
            actor=analyst, force=loaded, level="lsoa", first_month="2017-07", last_month="2017-07", permutations=9
        )
    started.refresh_from_db()
    assert started.status == RunStatus.SUCCEEDED, started.error
    assert started.manifest["inputs"]["force_records"]["events_placed"] == 3
    from upstream.places.results import area_result, event_categories, read_json

    row = area_result(started, lsoa)
    assert (row["calls"], row["domestic_abuse"], row["missing"], row["repeat_locations"]) == ("2", "1", "1", "1")
    explanation = read_json(started, "typology_explanation")
    assert explanation["force_records_used"] is True
    assert "domestic_abuse_rate" in explanation["parts"]["vulnerability"]
    assert event_categories(started, lsoa) == [
        {"event_type": "CALL", "category": "Domestic incident", "events": 1},
        {"event_type": "CALL", "category": "Noise", "events": 1},
        {"event_type": "MISSING", "category": "not recorded", "events": 1},
    ]
    page = signed_in(analyst).get(f"/places/{lsoa}/").content.decode()
    assert 'id="force-events"' in page
    assert 'id="force-event-categories"' in page
    assert "Domestic incident" in page
    assert "Vulnerability includes domestic abuse and missing episodes" in page


def test_hotspots_on_points_are_chosen_on_the_start_page(
    loaded, analyst, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(analyst)
    page = client.get("/places/analysis/new/").content.decode()
    assert 'name="point_hotspots"' in page
    assert "<script" not in page.split('name="point_hotspots"')[0].rsplit("<form", 1)[1]  # a plain form field
    form = {
        "force": loaded.code, "first_month": "2017-07", "last_month": "2017-07", "level": "ward", "officers": "20",
        "floor": "1", "weight_harm": "0.5", "weight_demand": "0.3", "weight_vulnerability": "0.2",
    }  # fmt: skip
    bad = client.post("/places/analysis/new/", {**form, "point_hotspots": "15"})
    assert bad.status_code == 400
    assert "Choose a hexagon size from the list" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/places/analysis/new/", {**form, "point_hotspots": "7"})
    run = AnalysisRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.h3_resolution == 7
    assert run.manifest["parameters"]["h3_resolution"] == 7
    from upstream.places.tasks import run_folder

    cells = list(csv.DictReader((run_folder(run) / "hotspots_h3.csv").open()))
    assert cells
    assert sum(int(float(c["count"])) for c in cells) <= run.summary["located"]
    page = client.get(f"/places/analysis/{run.pk}/").content.decode()
    assert 'id="point-hotspots"' in page
    assert "H3 hexagons, resolution 7" in page
    hot = [c for c in cells if c["class"] == "hot spot"]
    assert hot  # Halifax's centre, at least
    assert 'id="hot-cells"' in page
    assert max(hot, key=lambda c: float(c["gi_z"]))["h3_cell"] in page
    export = client.get(f"/places/analysis/{run.pk}/hotspots_h3.csv")
    assert b"".join(export.streaming_content) == (run_folder(run) / "hotspots_h3.csv").read_bytes()
    hexagons = client.get(f"/places/analysis/{run.pk}/hexagons.geojson")
    assert hexagons["Content-Type"] == "application/geo+json"
    features = hexagons.json()["features"]
    assert len(features) == len(cells)
    assert {f["properties"]["class"] for f in features} == {c["class"] for c in cells}
    ring = features[0]["geometry"]["coordinates"][0]
    assert len(ring) == 7  # a hexagon, closed
    assert ring[0] == ring[-1]


def test_a_run_without_point_hotspots_has_no_hexagons(run, signed_in, staff):
    client = signed_in(staff("officer"))
    assert run.h3_resolution is None
    assert client.get(f"/places/analysis/{run.pk}/hexagons.geojson").status_code == 404
    assert 'id="point-hotspots"' not in client.get(f"/places/analysis/{run.pk}/").content.decode()


def test_an_area_page_shows_the_area_in_an_earlier_run(
    run, loaded, analyst, signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        newer = services.start_analysis(
            actor=analyst, force=loaded, level="lsoa", first_month="2017-07", last_month="2017-07", permutations=9
        )  # no harm weights this time
    newer.refresh_from_db()
    assert newer.status == RunStatus.SUCCEEDED, newer.error
    client = signed_in(analyst)
    lsoa = "E01010994"
    page = client.get(f"/places/{lsoa}/").content.decode()
    # The newest run shows by default, with the history of every finished run of the force at that level.
    assert f'href="/places/analysis/{newer.pk}/"' in page
    assert "No harm weights given" in page
    assert 'id="earlier-run"' not in page
    assert 'id="run-history"' in page
    assert f'href="/places/{lsoa}/?run={run.pk}#profile"' in page
    earlier = client.get(f"/places/{lsoa}/", {"run": run.pk}).content.decode()
    assert 'id="earlier-run"' in earlier
    assert f"You are looking at an earlier analysis: run {run.pk}" in earlier
    assert "No harm weights given" not in earlier
    from upstream.places.results import area_result

    harm = float(area_result(run, lsoa)["harm"])
    assert f"{harm:,.0f}" in earlier or f"{harm:,.1f}" in earlier
    assert f'href="/places/{lsoa}/trend.svg?run={run.pk}"' in earlier
    assert client.get(f"/places/{lsoa}/trend.svg", {"run": run.pk})["Content-Type"] == "image/svg+xml"
    # A run of another level, of another force, unfinished or unknown is not this area's.
    ward_run = AnalysisRun.objects.create(
        force=loaded, level="ward", first_month="2017-07", last_month="2017-07", need_weights={"harm": 1},
        status=RunStatus.SUCCEEDED,
    )  # fmt: skip
    queued = AnalysisRun.objects.create(
        force=loaded, level="lsoa", first_month="2017-07", last_month="2017-07", need_weights={"harm": 1}
    )
    for other in (ward_run.pk, queued.pk, 999999, "x"):
        assert client.get(f"/places/{lsoa}/", {"run": other}).status_code == 404
