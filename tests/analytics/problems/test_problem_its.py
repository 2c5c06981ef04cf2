"""The interrupted time series: a hand-worked segmented regression, and monthly counts on DuckDB and Spark."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from upstream_analytics.places.policeuk import CRIME_SCHEMA
from upstream_analytics.places.store import CrimeStore
from upstream_analytics.problems import categories, its, measure


def test_a_straight_line_broken_by_the_response_is_read_back_exactly():
    # Before: 10, 12, ... 20 (a rise of 2 a month). After: 12, 13, 14 — the line would have given 22, 24, 26.
    fit = its.segmented_regression([10, 12, 14, 16, 18, 20], [12, 13, 14])
    assert fit is not None
    assert (fit.months_before, fit.months_after) == (6, 3)
    assert fit.intercept == pytest.approx(10)
    assert fit.trend_before == pytest.approx(2)
    assert fit.level_change == pytest.approx(-10)  # 12 in the first month after, where 22 was due
    assert fit.trend_change == pytest.approx(-1)  # a rise of 1 a month after, 2 before
    assert fit.expected_after == pytest.approx(72)  # 22 + 24 + 26
    assert fit.observed_after == 39
    assert fit.relative_percent == pytest.approx((39 / 72 - 1) * 100)
    assert fit.level_change_ci == pytest.approx((-10, -10), abs=1e-6)  # a perfect fit leaves no doubt
    assert fit.expected == pytest.approx(tuple(10 + 2 * t for t in range(9)))


def test_noise_widens_the_intervals_and_the_fit_is_least_squares():
    before, after = [11, 9, 13, 12, 16, 14, 17, 15], [9, 12, 10, 11]
    fit = its.segmented_regression(before, after)
    assert fit is not None
    y = np.array([*before, *after], dtype=float)
    t = np.arange(12.0)
    x = np.column_stack([np.ones(12), t, (t >= 8).astype(float), np.where(t >= 8, t - 8, 0.0)])
    residuals = y - np.array(fit.fitted)
    assert x.T @ residuals == pytest.approx(np.zeros(4), abs=1e-9)  # the normal equations hold
    low, high = fit.level_change_ci
    assert low < fit.level_change < high
    assert high - low > 1
    # 12 months, 4 parameters: 8 degrees of freedom, t = 2.306.
    sigma2 = float(residuals @ residuals) / 8
    se = np.sqrt(sigma2 * np.linalg.inv(x.T @ x)[2, 2])
    assert (high - low) / 2 == pytest.approx(2.306 * se)


def test_too_few_months_give_no_fit():
    assert its.segmented_regression([1, 2, 3, 4, 5], [1, 2, 3]) is None
    assert its.segmented_regression([1, 2, 3, 4, 5, 6], [1, 2]) is None
    assert its.t_critical(1) == pytest.approx(12.706)
    assert its.t_critical(100) == pytest.approx(1.96)


def test_months_are_counted_whole_with_zeros(con):
    events = ibis.memtable(
        pd.DataFrame(
            {
                "event_id": ["E1", "E2", "E3", "E4", "E5"],
                "event_type": ["CALL", "CALL", "CRIME", "CALL", "CALL"],
                "occurred_at": pd.to_datetime(
                    ["2025-01-01 00:00", "2025-01-31 23:59", "2025-03-15 12:00", "2025-04-01 00:00", "2024-12-31 23:59"]
                ),
                "location_id": ["L1"] * 5,
                "category": ["ASB", "ASB", "Crime", "ASB", "ASB"],
                "offence_code": [None, None, "28E", None, None],
            }
        )
    )
    locations = ibis.memtable(pd.DataFrame({"location_id": ["L1"], "area_code": ["A1"]}))
    scoped = measure.events_in_areas(events, locations, ["A1"], scope=categories.scope_for("asb"))
    months = measure.month_keys("2025-01", "2025-03")
    assert months == ["2025-01", "2025-02", "2025-03"]
    assert measure.monthly_counts(con, scoped, months) == [2, 0, 0]
    assert measure.event_span(con, events) == (dt.date(2024, 12, 31), dt.date(2025, 4, 1))


def test_police_uk_months_by_kind(con, tmp_path):
    def crime(month, crime_type):
        row = dict.fromkeys(CRIME_SCHEMA.names, "")
        row.update(month=month, lsoa_code="E01", force_key="wessex", reported_by_key="wessex", crime_type=crime_type)
        row.update(longitude=None, latitude=None)
        return row

    rows = [crime("2025-01", "Burglary"), crime("2025-01", "Drugs"), crime("2025-03", "Burglary")]
    frames = {}
    for row in rows:
        frames.setdefault(("wessex", row["month"]), []).append(row)
    CrimeStore(tmp_path).replace({key: pd.DataFrame(value) for key, value in frames.items()})
    crimes = measure.policeuk_crimes(con, tmp_path)
    months = ["2025-01", "2025-02", "2025-03"]
    burglary = categories.scope_for("burglary")
    assert measure.policeuk_monthly_counts(con, crimes, lsoa_codes=["E01"], months=months, scope=burglary) == [1, 0, 1]
    assert measure.policeuk_monthly_counts(con, crimes, lsoa_codes=["E01"], months=months) == [2, 0, 1]
