"""The typology of need: k chosen by silhouette and explained, clusters named by rules, results repeatable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from upstream_analytics.places.typology import typology


def indicators(seed=0):
    rng = np.random.default_rng(seed)
    groups = [
        # harm rate, deprivation, demand rate: deprived and harmed; quiet and well off; a busy centre
        (400, 0.9, 300, 40),
        (20, 0.1, 20, 40),
        (900, 0.3, 2000, 10),
    ]
    rows = [
        {
            "area_code": f"G{g}-{i:02d}",
            "harm_rate": harm * rng.uniform(0.9, 1.1),
            "deprivation": min(1.0, dep + rng.normal(0, 0.02)),
            "demand_rate": demand * rng.uniform(0.9, 1.1),
            "burglary_rate": 5.0,
            "criminal_damage_rate": 5.0,
            "income": dep,
            "employment": dep,
            "education": dep,
            "young_share": 0.2,
        }
        for g, (harm, dep, demand, n) in enumerate(groups)
        for i in range(n)
    ]
    return pd.DataFrame(rows).set_index("area_code")


def test_three_clear_groups_give_k_three_with_plain_names():
    frame, explanation = typology(indicators())
    assert explanation["k"] == 3
    assert explanation["silhouette_by_k"]["3"] == max(explanation["silhouette_by_k"].values())
    assert "highest mean silhouette" in explanation["why"]
    names = frame.groupby(frame["area_code"].str[:2])["cluster_name"].agg(lambda s: s.unique().tolist())
    assert names["G0"] == ["complex policing need"]
    assert names["G1"] == ["low demand"]
    assert names["G2"] == ["night-time economy or town centre"]


def test_the_typology_repeats_exactly():
    first, _ = typology(indicators())
    second, _ = typology(indicators())
    assert first.equals(second)


def test_vli_is_100_for_an_average_area():
    frame, _ = typology(indicators())
    assert abs(frame["vli"].mean() - 100) < 1e-3  # rounded to 3 places per area


def test_areas_that_all_look_alike_form_one_group():
    frame, explanation = typology(indicators().iloc[:5].assign(harm_rate=1.0, deprivation=0.5, demand_rate=1.0))
    assert explanation["k"] == 1
    assert set(frame["cluster"]) == {1}


def test_domestic_abuse_and_missing_episodes_can_make_an_area_complex_need():
    # Two groups alike in deprivation: one with much harm and demand, and far more domestic abuse and missing
    # episodes. On deprivation alone it looks like a town centre; with the force's events, complex need.
    frame = indicators().loc[lambda f: f.index.str.startswith(("G0", "G1"))].copy()
    frame["deprivation"] = 0.5
    frame["harm_rate"] = np.where(frame.index.str.startswith("G0"), 400.0, 20.0)
    frame["demand_rate"] = np.where(frame.index.str.startswith("G0"), 300.0, 20.0)
    without, _ = typology(frame)
    harmed = without[without["area_code"].str.startswith("G0")]
    assert set(harmed["cluster_name"]) == {"night-time economy or town centre"}
    frame["domestic_abuse_rate"] = np.where(frame.index.str.startswith("G0"), 30.0, 1.0)
    frame["missing_rate"] = np.where(frame.index.str.startswith("G0"), 5.0, 0.0)
    found, explanation = typology(frame)
    assert explanation["parts"]["vulnerability"] == ["deprivation", "domestic_abuse_rate", "missing_rate"]
    assert set(found[found["area_code"].str.startswith("G0")]["cluster_name"]) == {"complex policing need"}


def test_force_event_columns_with_no_events_leave_the_typology_as_it_was():
    plain, plain_explanation = typology(indicators())
    empty, explanation = typology(indicators().assign(domestic_abuse_rate=0.0, missing_rate=np.nan, calls_rate=0.0))
    assert explanation["force_records_used"] is False
    assert explanation["parts"] == plain_explanation["parts"]
    assert empty.equals(plain)
