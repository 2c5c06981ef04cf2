"""Officers allocated to need by the largest-remainder method, with a floor per team."""

from __future__ import annotations

import pandas as pd
import pytest

from upstream_analytics.places.allocation import allocate, largest_remainder, parse_weights


def test_largest_remainder_gives_the_leftover_to_the_biggest_remainders():
    # Quotas 4.2, 3.5, 2.3 -> 4, 3, 2 whole, one left over, to the 0.5 remainder.
    need = pd.Series({"A": 0.42, "B": 0.35, "C": 0.23})
    assert largest_remainder(need, 10, 0).to_dict() == {"A": 4, "B": 4, "C": 2}


def test_every_team_gets_the_floor_and_the_total_is_kept():
    need = pd.Series({"A": 0.90, "B": 0.06, "C": 0.04})
    result = largest_remainder(need, 20, 3)
    assert result.to_dict() == {"A": 14, "B": 3, "C": 3}
    assert result.sum() == 20


def test_a_floor_that_cannot_be_met_is_refused():
    with pytest.raises(ValueError, match="cannot give 3 teams a floor of 4"):
        largest_remainder(pd.Series({"A": 1.0, "B": 1.0, "C": 1.0}), 10, 4)


def test_need_index_weights_shares_and_change_from_current():
    units = pd.DataFrame(
        {"harm": [30.0, 10.0], "demand": [50.0, 50.0], "vulnerability": [0.0, 10.0], "current": [5, 5]},
        index=["A", "B"],
    )
    out = allocate(units, officers=10, floor=1, weights={"harm": 1.0, "demand": 1.0, "vulnerability": 0.0})
    # A: (0.75 + 0.5) / 2 = 0.625 of the need.
    assert out.loc["A", "need_share"] == pytest.approx(0.625)
    assert out["officers"].to_dict() == {"A": 6, "B": 4}
    assert out["change"].to_dict() == {"A": 1, "B": -1}


def test_need_weights_are_read_and_checked():
    assert parse_weights("harm=1,demand=0") == {"harm": 1.0, "demand": 0.0, "vulnerability": 0.2}
    with pytest.raises(ValueError, match="unknown need weight"):
        parse_weights("danger=1")
