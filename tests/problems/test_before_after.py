"""The before/after arithmetic against figures worked out by hand."""

from __future__ import annotations

import pytest

from upstream.problems.measures import change


def test_change_against_a_comparison_area_matches_the_hand_computed_fixture():
    # Target: 120 calls before, 84 after. Comparison area: 100 before, 95 after.
    # By hand: change −36 (−30%); comparison −5 (−5%); difference in differences −36 − (−5) = −31;
    # beyond the comparison: (84/120) / (95/100) − 1 = 0.7 / 0.95 − 1 = −0.263157…, so −26.3%.
    result = change(120, 84, 100, 95)
    assert result.absolute == -36
    assert result.percent == pytest.approx(-30.0)
    assert result.comparison_absolute == -5
    assert result.comparison_percent == pytest.approx(-5.0)
    assert result.difference_in_differences == -31
    assert result.relative_percent == pytest.approx(-26.3157894737)
    assert result.is_reduction


def test_change_without_comparison_is_absolute_and_percentage_only():
    result = change(40, 50)
    assert (result.absolute, result.percent) == (10, pytest.approx(25.0))
    assert result.difference_in_differences is None
    assert not result.is_reduction


def test_a_fall_smaller_than_the_comparison_areas_is_not_a_reduction():
    # Both fell, but the comparison area fell further (−50 against −20): relative to it, the target did worse.
    result = change(100, 80, 100, 50)
    assert result.absolute == -20
    assert result.difference_in_differences == 30
    assert result.relative_percent == pytest.approx(60.0)
    assert not result.is_reduction


def test_a_zero_baseline_has_no_percentage():
    result = change(0, 3, 0, 1)
    assert result.percent is None
    assert result.relative_percent is None
    assert result.difference_in_differences == 2
