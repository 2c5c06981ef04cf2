"""A pair's explanation is the run's own score: its weights add up to the probability the run gave the pair."""

from __future__ import annotations

import math

import pytest

from upstream_analytics.linkage import explain


def test_the_explanation_reproduces_the_runs_probability_and_its_weights_add_up(linked, review_pairs):
    for row in review_pairs.head(3).itertuples(index=False):
        found = explain.explain_pair(linked, row.person_id_l, row.person_id_r)
        assert found.match_probability == pytest.approx(row.match_probability, rel=1e-9)
        total = found.prior_weight + sum(c.match_weight for c in found.comparisons)
        assert total == pytest.approx(found.match_weight, abs=1e-6)
        assert found.match_probability == pytest.approx(1 / (1 + 2**-found.match_weight), rel=1e-9)
        assert [c.name for c in found.comparisons] == list(explain.SHOWN)
        assert all(c.level for c in found.comparisons)
        assert all(math.isfinite(c.match_weight) for c in found.comparisons)


def test_an_unknown_record_or_a_missing_run_is_a_lookup_error(linked, tmp_path):
    with pytest.raises(LookupError, match="No person record NOPE"):
        explain.explain_pair(linked, "NOPE", "P00000002")
    with pytest.raises(explain.NoRunError, match="records link"):
        explain.explain_pair(tmp_path, "a", "b")
