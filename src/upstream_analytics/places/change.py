"""Change: each area's crime this period against the last period and a year ago, with a Poisson test.

The previous period has the same length; the year-ago period is the same months a year before, so
emerging areas surface.

Two Poisson counts over equal exposure are compared with the exact conditional test: given the total
a + b, a is Binomial(a + b, 1/2) when the rates are equal. p-values are adjusted for the number of areas
(Benjamini-Hochberg), because with a thousand areas some will look significant by chance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest, false_discovery_control

SIGNIFICANCE = 0.05


def month_index(month: str) -> int:
    """Returns a month (YYYY-MM) as a count of months, so periods can be shifted."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_name(index: int) -> str:
    """Returns the YYYY-MM month of a month count."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Periods:
    """The period analysed and the two it is compared with, each as first and last month."""

    current: tuple[str, str]
    previous: tuple[str, str]
    year_ago: tuple[str, str]

    @classmethod
    def of(cls, first: str, last: str) -> Periods:
        """Returns the periods compared for an analysis of first..last."""
        a, b = month_index(first), month_index(last)
        length = b - a + 1
        return cls(
            current=(first, last),
            previous=(month_name(a - length), month_name(a - 1)),
            year_ago=(month_name(a - 12), month_name(b - 12)),
        )

    def months(self, which: str) -> list[str]:
        """Returns the months of one of the periods."""
        first, last = getattr(self, which)
        return [month_name(i) for i in range(month_index(first), month_index(last) + 1)]


def poisson_p(current: int, before: int) -> float:
    """Returns the two-sided p-value that two counts over equal exposure come from the same Poisson rate."""
    total = current + before
    if total == 0:
        return 1.0
    return float(binomtest(int(current), int(total), 0.5).pvalue)


def _compare(frame: pd.DataFrame, column: str, available: bool) -> pd.DataFrame:
    if not available:
        frame[f"{column}_change"] = np.nan
        frame[f"{column}_p"] = np.nan
        frame[f"{column}_q"] = np.nan
        frame[column] = np.nan
        return frame
    frame[f"{column}_change"] = frame["current"] - frame[column]
    p = np.array([poisson_p(a, b) for a, b in zip(frame["current"], frame[column], strict=True)])
    frame[f"{column}_p"] = p
    frame[f"{column}_q"] = false_discovery_control(p, method="bh") if len(p) else p
    return frame


def change(
    monthly: pd.DataFrame, area_codes: list[str], periods: Periods, months_available: set[str]
) -> tuple[pd.DataFrame, dict[str, bool]]:
    """Returns one row per area comparing periods, and which comparison periods had data for every month."""
    by_month = monthly.pivot_table(index="area_code", columns="month", values="crimes", aggfunc="sum", fill_value=0)
    by_month = by_month.reindex(sorted(area_codes), fill_value=0)
    out = pd.DataFrame(index=by_month.index)
    coverage = {}
    for which in ("current", "previous", "year_ago"):
        months = periods.months(which)
        coverage[which] = all(m in months_available for m in months)
        present = [m for m in months if m in by_month.columns]
        out[which] = by_month[present].sum(axis=1).astype("int64") if present else 0
    out = out.reset_index().rename(columns={"index": "area_code"})
    out = _compare(out, "previous", coverage["previous"])
    out = _compare(out, "year_ago", coverage["year_ago"])
    out["status"] = [_status(row) for row in out.itertuples()]
    return out, coverage


def _status(row: Any) -> str:
    prev_q, year_q = row.previous_q, row.year_ago_q
    prev_d, year_d = row.previous_change, row.year_ago_change
    up = [q < SIGNIFICANCE and d > 0 for q, d in ((prev_q, prev_d), (year_q, year_d)) if not np.isnan(q)]
    down = [q < SIGNIFICANCE and d < 0 for q, d in ((prev_q, prev_d), (year_q, year_d)) if not np.isnan(q)]
    if not up:
        return "no earlier data"
    if all(up):
        # Up on every comparison available: on the last period and, where known, on a year ago.
        return "emerging"
    if any(up) and not any(down):
        return "rising"
    if any(down) and not any(up):
        return "falling"
    return "steady"
