"""Gini, Lorenz curve, top shares and the headline sentence, checked by hand and against reference code."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from places_fixtures import SHARED, WEST_YORKSHIRE_JULY_2017, WEST_YORKSHIRE_LADS

from upstream_analytics.engine import connect
from upstream_analytics.places import aggregate
from upstream_analytics.places.concentration import concentration, gini, outweighed_bottom, top_share
from upstream_analytics.places.policeuk import read_street_csv
from upstream_analytics.places.store import CrimeStore


def test_equal_counts_have_a_gini_of_zero():
    assert gini(np.array([5, 5, 5, 5])) == pytest.approx(0.0)


def test_all_crime_in_one_of_n_areas_has_a_gini_of_n_minus_one_over_n():
    assert gini(np.array([0, 0, 0, 0, 10])) == pytest.approx(4 / 5)


def test_no_crime_at_all_has_a_gini_of_zero_rather_than_an_error():
    summary = concentration({"A": 0, "B": 0}, unlocated=3, outside=0)
    assert summary["gini"] == 0.0
    assert summary["unlocated"] == 3
    assert "No located crime" in summary["statement"]


def test_the_top_areas_outweigh_the_bottom_ones_in_the_statement():
    # 20 areas: top 5% = 1 area with 10; bottom areas hold 1 each, so the top one outweighs the bottom 9.
    counts = {f"A{i:02d}": 1 for i in range(19)} | {"TOP": 10}
    summary = concentration(counts, unlocated=0, outside=0, level_label="wards")
    assert summary["statement_numbers"] == {"top": 1, "bottom": 9}
    assert summary["statement"].startswith("The top 1 wards account for more crime than the bottom 9 wards")
    assert summary["top_areas"] == [{"area_code": "TOP", "crimes": 10}]


def test_outweighed_bottom_is_strictly_less():
    # Top 1 holds 3; the bottom two together hold exactly 3 (not less), so only the bottom one is outweighed.
    assert outweighed_bottom(np.array([3, 2, 1, 2]), 1) == 1


def test_lorenz_curve_runs_from_nothing_to_everything():
    summary = concentration({"A": 1, "B": 3, "C": 0, "D": 6}, unlocated=0, outside=0)
    curve = summary["lorenz"]
    assert curve[0] == {"areas_share": 0.0, "crime_share": 0.0}
    assert curve[-1] == {"areas_share": 1.0, "crime_share": 1.0}
    assert [p["crime_share"] for p in curve] == [0.0, 0.0, 0.1, 0.4, 1.0]


def reference_gini(values):
    """Gini as one minus twice the area under the Lorenz curve, from sorted cumulative sums (trapezoids)."""
    ordered = sorted(values)
    total = sum(ordered)
    n = len(ordered)
    area = 0.0
    previous = 0.0
    running = 0
    for value in ordered:
        running += value
        share = running / total
        area += (previous + share) / (2 * n)
        previous = share
    return 1 - 2 * area


def reference_top_share(values, share):
    ordered = sorted(values, reverse=True)
    k = max(1, -(-len(ordered) * round(share * 100) // 100))  # ceiling without floats
    return sum(ordered[:k]) / sum(ordered)


def west_yorkshire_lsoas():
    codes = set()
    for lad in WEST_YORKSHIRE_LADS:
        with (SHARED / "geo" / "lsoa11_by_lad" / f"{lad}.geojson").open() as handle:
            codes |= {f["properties"]["LSOA11CD"] for f in json.load(handle)["features"]}
    return sorted(codes)


def test_gini_and_top_shares_for_west_yorkshire_july_2017_match_reference_code(tmp_path):
    codes = west_yorkshire_lsoas()
    assert len(codes) == 1388
    # The reference counts come straight from the CSV text, without pandas or the pipeline.
    counts = dict.fromkeys(codes, 0)
    unlocated = outside = 0
    with gzip.open(WEST_YORKSHIRE_JULY_2017, "rt", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
        lsoa_at, type_at = header.index("LSOA code"), header.index("Crime type")
        import csv

        for row in csv.reader(handle):
            if row[type_at] == "Anti-social behaviour":
                continue
            if not row[lsoa_at]:
                unlocated += 1
            elif row[lsoa_at] in counts:
                counts[row[lsoa_at]] += 1
            else:
                outside += 1
    values = list(counts.values())

    result = read_street_csv(Path(WEST_YORKSHIRE_JULY_2017))
    store = CrimeStore(tmp_path)
    store.replace({("west-yorkshire", "2017-07"): result.frame})
    con = connect("duckdb")
    placed = aggregate.place_crimes(
        aggregate.crimes_in_period(
            store.table(con), force_key="west-yorkshire", first_month="2017-07", last_month="2017-07"
        ),
        aggregate.lookup_table(pd.DataFrame({"lsoa_code": codes, "area_code": codes})),
    )
    totals = con.execute(aggregate.area_totals(placed, aggregate.areas_table(codes)))
    placement = con.execute(aggregate.placement_counts(placed)).set_index("placement")["crimes"]
    summary = concentration(
        dict(zip(totals["area_code"], totals["crimes"], strict=True)),
        unlocated=int(placement["unlocated"]),
        outside=int(placement["outside"]),
    )

    assert summary["n_areas"] == 1388
    assert summary["located"] == sum(values)
    assert summary["unlocated"] == unlocated
    assert summary["outside"] == outside
    assert summary["gini"] == pytest.approx(reference_gini(values), abs=1e-6)
    for share in (0.01, 0.05, 0.10):
        key = f"top_{round(share * 100)}pct"
        assert summary["top_shares"][key]["share"] == pytest.approx(reference_top_share(values, share), abs=1e-6)
    assert top_share(np.array(values), 0.05) == pytest.approx(reference_top_share(values, 0.05))
    assert 0.3 < summary["gini"] < 0.6  # crime is concentrated, but not in a handful of places
