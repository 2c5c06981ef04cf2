"""An interrupted time series: whether the monthly count changed when the response began, beyond its trend.

Segmented regression by ordinary least squares on whole months (Wagner et al. 2002, "Segmented regression
analysis of interrupted time series studies in medication use research"):

    count_t = b0 + b1·t + b2·after_t + b3·(months since the response)_t

where t counts months from the first one, after_t is 1 from the first month after the response began, and
the months-since term starts at 0 in that month. b1 is the monthly trend before, b2 the step change in level
when the response began and b3 the change in the monthly trend. The *expected* after count is what the trend
before would have given over the after months (b0 + b1·t summed), to set beside the count observed.

Pure numpy: no engine, no Django. Months are counted by ``measure.monthly_counts``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The least months the fit is worth making on: the trend before needs half a year, the change a quarter.
MIN_BEFORE = 6
MIN_AFTER = 3
# Two-sided 95% critical values of Student's t by degrees of freedom (normal beyond 30).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_critical(dof: int) -> float:
    """Returns the two-sided 95% critical value of Student's t with `dof` degrees of freedom."""
    return _T975[dof - 1] if 1 <= dof <= len(_T975) else 1.96


@dataclass(frozen=True)
class SegmentedFit:
    """The fitted segmented regression and what it says about the after months."""

    months_before: int
    months_after: int
    intercept: float  # b0: the fitted count in the first month
    trend_before: float  # b1: change per month before the response
    level_change: float  # b2: the step in the monthly count when the response began
    trend_change: float  # b3: the change in the monthly trend after it
    level_change_ci: tuple[float, float] | None  # 95% interval of b2 (None with no degrees of freedom left)
    trend_change_ci: tuple[float, float] | None
    expected_after: float  # what the trend before gives over the after months
    observed_after: int
    fitted: tuple[float, ...]  # the model's count for every month, before and after
    expected: tuple[float, ...]  # the trend before carried on, for every month

    @property
    def relative_percent(self) -> float | None:
        """Returns the observed after count against the expected, in per cent (None if nothing was expected)."""
        if self.expected_after <= 0:
            return None
        return (self.observed_after / self.expected_after - 1) * 100


def segmented_regression(before: Sequence[int], after: Sequence[int]) -> SegmentedFit | None:
    """Returns the fit of monthly counts before and after the response, or None with too few months."""
    n_before, n_after = len(before), len(after)
    if n_before < MIN_BEFORE or n_after < MIN_AFTER:
        return None
    y = np.asarray([*before, *after], dtype=float)
    t = np.arange(n_before + n_after, dtype=float)
    post = (t >= n_before).astype(float)
    since = np.where(post == 1, t - n_before, 0.0)
    x = np.column_stack([np.ones_like(t), t, post, since])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    b0, b1, b2, b3 = (float(b) for b in beta)
    dof = len(y) - x.shape[1]
    level_ci = trend_ci = None
    if dof > 0:
        residuals = y - x @ beta
        variance = float(residuals @ residuals) / dof
        cov = variance * np.linalg.inv(x.T @ x)
        crit = t_critical(dof)
        se_level, se_trend = math.sqrt(max(cov[2, 2], 0.0)), math.sqrt(max(cov[3, 3], 0.0))
        level_ci = (b2 - crit * se_level, b2 + crit * se_level)
        trend_ci = (b3 - crit * se_trend, b3 + crit * se_trend)
    expected = b0 + b1 * t
    return SegmentedFit(
        months_before=n_before,
        months_after=n_after,
        intercept=b0,
        trend_before=b1,
        level_change=b2,
        trend_change=b3,
        level_change_ci=level_ci,
        trend_change_ci=trend_ci,
        expected_after=float(expected[n_before:].sum()),
        observed_after=int(sum(after)),
        fitted=tuple(float(v) for v in x @ beta),
        expected=tuple(float(v) for v in expected),
    )
