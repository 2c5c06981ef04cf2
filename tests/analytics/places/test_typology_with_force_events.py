"""The typology of need uses the force's own events when the records store holds them: domestic abuse and
missing episodes join deprivation in vulnerability, calls join crimes and ASB in demand. The same, hand-checked
answer on DuckDB and Spark."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from places_fixtures import crime, store_crimes
from shapely.geometry import box

from upstream_analytics.places.deprivation import DOMAIN_PREFIXES
from upstream_analytics.places.pipeline import AnalysisRequest, run
from upstream_analytics.places.store import write_deprivation

CODES = [f"A{i}" for i in range(1, 9)]
LSOAS = [f"L{i}" for i in range(1, 9)]
# Domestic abuse events, missing episodes and calls per area in July 2024 (every area has 1,000 residents, so
# these are also the rates per 1,000). Crime, ASB and deprivation are the same everywhere.
DA = {"A1": 6, "A2": 6, "A3": 1}
MISSING = {"A1": 2, "A2": 1}
CALLS = {"A4": 9, "A5": 9}


def deprivation():
    frame = pd.DataFrame({"lsoa_code": LSOAS})
    for key in DOMAIN_PREFIXES:
        frame[f"{key}_rank"] = 500
        frame[f"{key}_decile"] = 5
    frame["n_ranked"] = 1000
    frame["population"] = 1000
    frame["children_0_15"] = 200
    frame["aged_16_59"] = 600
    frame["aged_60_plus"] = 200
    return frame


def write_records_store(analytics_dir):
    """Writes a records store version holding the events above, each at a location in its area's LSOA."""
    version = analytics_dir / "records" / "versions" / "v000001"
    version.mkdir(parents=True)
    locations = pd.DataFrame({"location_id": [f"loc-{c}" for c in CODES], "area_code": LSOAS})
    locations.to_parquet(version / "locations.parquet", index=False)
    rows = []
    when = pd.Timestamp("2024-07-10T12:00")
    for counts, event_type, flags in ((DA, "INCIDENT", "DA"), (MISSING, "MISSING", None), (CALLS, "CALL", None)):
        for code, n in counts.items():
            rows += [
                {"event_id": f"{event_type}-{code}-{i}", "event_type": event_type, "occurred_at": when,
                 "location_id": f"loc-{code}", "flags": flags}
                for i in range(n)
            ]  # fmt: skip
    # An event a year earlier is outside the period and counts for nothing.
    rows.append({"event_id": "old", "event_type": "MISSING", "occurred_at": pd.Timestamp("2023-07-01"),
                 "location_id": "loc-A8", "flags": "DA"})  # fmt: skip
    pd.DataFrame(rows).to_parquet(version / "events.parquet", index=False, coerce_timestamps="us")
    (analytics_dir / "records" / "CURRENT").write_text("v000001")


def analyse(con, analytics_dir):
    store_crimes(analytics_dir, [crime("2024-07", lsoa) for lsoa in LSOAS])
    write_deprivation(analytics_dir, deprivation())
    request = AnalysisRequest(
        force_name="West Yorkshire",
        force_key="west-yorkshire",
        first_month="2024-07",
        last_month="2024-07",
        level="lsoa",
        areas=pd.DataFrame({"area_code": CODES, "area_name": CODES}),
        lsoa_lookup=pd.DataFrame({"lsoa_code": LSOAS, "area_code": CODES}),
        geometries={code: box(i, 0, i + 1, 1) for i, code in enumerate(CODES)},
        out_dir=analytics_dir / "out",
        analytics_dir=analytics_dir,
        permutations=9,
    )
    manifest = run(con, request)
    typology = pd.read_csv(analytics_dir / "out" / "typology.csv").set_index("area_code")
    explanation = json.loads((analytics_dir / "out" / "typology.json").read_text())
    return manifest, typology, explanation


def z(values):
    values = np.asarray(values, dtype=float)
    return (values - values.mean()) / (values.std() or 1.0)


def test_vulnerability_and_demand_take_in_the_force_events(con, tmp_path):
    write_records_store(tmp_path)
    manifest, typology, explanation = analyse(con, tmp_path)
    assert manifest["engine"] == con.name
    assert explanation["force_records_used"] is True
    assert explanation["parts"] == {
        "harm": ["harm_rate"],
        "vulnerability": ["deprivation", "domestic_abuse_rate", "missing_rate"],
        "demand": ["demand_rate", "calls_rate"],
    }
    assert "domestic abuse" in explanation["features"]["vulnerability"]
    assert "calls for service" in explanation["features"]["demand"]
    # Worked by hand: deprivation and crime are the same everywhere (z = 0), so vulnerability is the mean of
    # the z-scores of log(1 + DA rate) and log(1 + missing rate) with a zero for deprivation, standardised again.
    da = [np.log1p(DA.get(c, 0)) for c in CODES]
    missing = [np.log1p(MISSING.get(c, 0)) for c in CODES]
    expected = z((np.zeros(len(CODES)) + z(da) + z(missing)) / 3)
    assert typology.loc[CODES, "vulnerability_z"].to_numpy() == pytest.approx(expected, abs=1e-6)
    calls = [np.log1p(CALLS.get(c, 0)) for c in CODES]
    assert typology.loc[CODES, "demand_z"].to_numpy() == pytest.approx(z(z(calls) / 2), abs=1e-6)
    # The areas with most domestic abuse and missing episodes are typed apart from the quiet ones.
    assert typology.loc["A1", "cluster"] == typology.loc["A2", "cluster"]
    assert typology.loc["A1", "cluster"] != typology.loc["A8", "cluster"]
    assert typology.loc["A1", "cluster_name"] == "deprived, moderate crime"
    assert any("force's own records" in note for note in manifest["notes"])


def test_without_force_events_vulnerability_is_deprivation_alone(con, tmp_path):
    manifest, typology, explanation = analyse(con, tmp_path)
    assert explanation["force_records_used"] is False
    assert explanation["parts"]["vulnerability"] == ["deprivation"]
    # Deprivation is the same everywhere, so no area is more vulnerable than another.
    assert set(typology["vulnerability_z"]) == {0.0}
    assert not any("force's own records" in note for note in manifest["notes"])
