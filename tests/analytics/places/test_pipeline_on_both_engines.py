"""The whole analysis gives the same files on DuckDB and on Spark."""

from __future__ import annotations

import json

import pandas as pd
from places_fixtures import crime, store_crimes
from shapely.geometry import box

from upstream_analytics.places.pipeline import AnalysisRequest, run


def test_the_analysis_is_the_same_on_both_engines(con, tmp_path):
    rows = [crime(month, lsoa) for month in ("2023-06", "2024-06") for lsoa in ("L1", "L1", "L2", "L4", None)]
    rows += [crime("2024-06", "L1", "Anti-social behaviour"), crime("2024-06", "L3", "Robbery")]
    store_crimes(tmp_path, rows)
    areas = pd.DataFrame({"area_code": [f"A{i}" for i in range(1, 5)], "area_name": ["One", "Two", "Three", "Four"]})
    request = AnalysisRequest(
        force_name="West Yorkshire",
        force_key="west-yorkshire",
        first_month="2024-06",
        last_month="2024-06",
        level="lsoa",
        areas=areas,
        lsoa_lookup=pd.DataFrame({"lsoa_code": ["L1", "L2", "L3", "L4"], "area_code": ["A1", "A2", "A3", "A4"]}),
        geometries={f"A{i}": box(i, 0, i + 1, 1) for i in range(1, 5)},
        out_dir=tmp_path / "out",
        analytics_dir=tmp_path,
        harm_weights={"Burglary": 244.68, "Robbery": 365.0},
        officers=10,
        floor=1,
        permutations=99,
    )
    manifest = run(con, request)
    profile = pd.read_csv(tmp_path / "out" / "area_indicators.csv").set_index("area_code")
    assert profile["crimes"].to_dict() == {"A1": 2, "A2": 1, "A3": 1, "A4": 1}
    assert profile["harm"].to_dict() == {"A1": 489.36, "A2": 244.68, "A3": 365.0, "A4": 244.68}
    summary = json.loads((tmp_path / "out" / "concentration.json").read_text())
    assert (summary["located"], summary["unlocated"], summary["outside"]) == (5, 1, 0)
    change = pd.read_csv(tmp_path / "out" / "change.csv").set_index("area_code")
    assert change["year_ago"].to_dict() == {"A1": 2, "A2": 1, "A3": 0, "A4": 1}
    assert pd.read_csv(tmp_path / "out" / "allocation.csv")["officers"].sum() == 10
    assert manifest["engine"] == con.name
