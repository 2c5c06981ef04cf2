"""Before and after: how much a plan's measure changed, on its own and against a comparison area.

The figures are entered by hand or worked out from data (records_measures.py); the arithmetic is the same.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """The change from a baseline to an after measure, and against a comparison area where there is one."""

    baseline: float
    after: float
    absolute: float  # after − baseline
    percent: float | None  # (after − baseline) / baseline × 100; None when the baseline is 0
    comparison_absolute: float | None = None
    comparison_percent: float | None = None
    # Difference in differences: the target's change minus the comparison area's change, in the measure's units.
    difference_in_differences: float | None = None
    # The percentage change beyond what the comparison area did: (after/baseline) / (c_after/c_baseline) − 1.
    relative_percent: float | None = None

    @property
    def is_reduction(self) -> bool:
        """Returns whether the measure went down (and by more than the comparison area's, if there is one)."""
        if self.difference_in_differences is not None:
            return self.difference_in_differences < 0
        return self.absolute < 0


def _percent(before: float, after: float) -> float | None:
    return None if before == 0 else (after - before) / before * 100


def change(
    baseline: float,
    after: float,
    comparison_baseline: float | None = None,
    comparison_after: float | None = None,
) -> Change:
    """Returns the change from baseline to after, with difference in differences when a comparison is given."""
    absolute = after - baseline
    if comparison_baseline is None or comparison_after is None:
        return Change(baseline=baseline, after=after, absolute=absolute, percent=_percent(baseline, after))
    comparison_absolute = comparison_after - comparison_baseline
    relative = None
    if baseline != 0 and comparison_baseline != 0 and comparison_after != 0:
        relative = ((after / baseline) / (comparison_after / comparison_baseline) - 1) * 100
    return Change(
        baseline=baseline,
        after=after,
        absolute=absolute,
        percent=_percent(baseline, after),
        comparison_absolute=comparison_absolute,
        comparison_percent=_percent(comparison_baseline, comparison_after),
        difference_in_differences=absolute - comparison_absolute,
        relative_percent=relative,
    )
