"""Change against the previous period and a year ago, with a Poisson test and gaps never read as zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from upstream_analytics.places.change import Periods, change, poisson_p


def test_periods_of_a_quarter():
    periods = Periods.of("2024-01", "2024-03")
    assert periods.previous == ("2023-10", "2023-12")
    assert periods.year_ago == ("2023-01", "2023-03")
    assert periods.months("previous") == ["2023-10", "2023-11", "2023-12"]


def test_poisson_p_is_the_exact_conditional_test():
    assert poisson_p(30, 10) == pytest.approx(binomtest(30, 40, 0.5).pvalue)
    assert poisson_p(0, 0) == 1.0
    assert poisson_p(10, 10) == pytest.approx(1.0)


def monthly(rows):
    return pd.DataFrame(rows, columns=["area_code", "month", "crimes"])


def test_a_sharp_rise_on_both_comparisons_is_emerging():
    rows = [
        ("A", "2024-06", 60),
        ("A", "2024-05", 10),
        ("A", "2023-06", 12),
        ("B", "2024-06", 10),
        ("B", "2024-05", 11),
    ]
    rows += [("B", "2023-06", 9)]
    available = {"2024-06", "2024-05", "2023-06"}
    out, coverage = change(monthly(rows), ["A", "B", "C"], Periods.of("2024-06", "2024-06"), available)
    out = out.set_index("area_code")
    assert coverage == {"current": True, "previous": True, "year_ago": True}
    assert out.loc["A", "status"] == "emerging"
    assert out.loc["A", "previous_change"] == 50
    assert out.loc["B", "status"] == "steady"
    assert out.loc["C", "current"] == 0  # an area with no crime is there, with zeros


def test_months_not_stored_are_not_read_as_no_crime():
    rows = [("A", "2024-06", 60)]
    out, coverage = change(monthly(rows), ["A"], Periods.of("2024-06", "2024-06"), {"2024-06"})
    assert coverage["previous"] is False
    assert np.isnan(out.loc[0, "previous"])
    assert out.loc[0, "status"] == "no earlier data"


def test_a_significant_fall_is_falling():
    rows = [("A", "2024-06", 5), ("A", "2024-05", 60)]
    out, _ = change(monthly(rows), ["A"], Periods.of("2024-06", "2024-06"), {"2024-06", "2024-05"})
    assert out.loc[0, "status"] == "falling"
