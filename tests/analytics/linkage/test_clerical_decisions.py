"""Reviewers' decisions override the model: a match joins, a non-match keeps apart even through third records."""

from __future__ import annotations

import pandas as pd
import pytest

from upstream_analytics.linkage import decisions

IDS = pd.Series(["a", "b", "c", "d", "e"])
PAIRS = pd.DataFrame(
    {
        "person_id_l": ["a", "b", "a", "d"],
        "person_id_r": ["c", "c", "b", "e"],
        "match_probability": [0.99, 0.95, 0.7, 0.95],
    }
)


def _groups(clusters: pd.DataFrame) -> dict[str, str]:
    return dict(zip(clusters["person_id"], clusters["resolved_person_id"], strict=True))


def _decided(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["person_id_l", "person_id_r", "decision"])


def test_without_decisions_the_model_links_at_the_threshold():
    clusters, links = decisions.apply(IDS, PAIRS, None, threshold=0.9)
    assert _groups(clusters) == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d"}
    assert set(links["source"]) == {"model"}
    assert len(links) == 3


def test_a_match_joins_records_the_model_kept_apart():
    clusters, links = decisions.apply(IDS, PAIRS, _decided(("e", "a", "match")), threshold=0.9)
    assert len(set(_groups(clusters).values())) == 1
    reviewer = links[links["source"] == "reviewer"]
    assert reviewer[["person_id_l", "person_id_r"]].to_numpy().tolist() == [["a", "e"]]  # ordered smaller first


def test_a_non_match_keeps_two_records_apart_even_through_a_third():
    # a–c (0.99) and b–c (0.95) would join a and b; the reviewer said a and b are different people, so the
    # weaker link (b–c) gives way and b stands alone.
    clusters, links = decisions.apply(IDS, PAIRS, _decided(("b", "a", "non_match")), threshold=0.9)
    groups = _groups(clusters)
    assert groups["a"] == groups["c"] == "a"
    assert groups["b"] == "b"
    assert groups["d"] == groups["e"] == "d"  # untouched groups keep the model's answer
    assert ["b", "c"] not in links[["person_id_l", "person_id_r"]].to_numpy().tolist()


def test_a_non_match_cuts_a_direct_model_link():
    clusters, _ = decisions.apply(IDS, PAIRS, _decided(("d", "e", "non_match")), threshold=0.9)
    assert _groups(clusters)["e"] == "e"


def test_the_latest_decision_on_a_pair_wins_and_unsure_changes_nothing():
    later = _decided(("a", "e", "match"), ("e", "a", "non_match"))
    clusters, _ = decisions.apply(IDS, PAIRS, later, threshold=0.9)
    assert _groups(clusters)["e"] == "d"
    unsure, _ = decisions.apply(IDS, PAIRS, _decided(("d", "e", "unsure")), threshold=0.9)
    assert _groups(unsure)["e"] == "d"


def test_decided_pairs_leave_the_review_queue_but_unsure_ones_stay():
    band = PAIRS[PAIRS["match_probability"] < 0.9]
    assert len(decisions.still_to_review(band, _decided(("b", "a", "unsure")))) == 1
    assert decisions.still_to_review(band, _decided(("b", "a", "non_match"))).empty


def test_an_unknown_decision_is_refused():
    with pytest.raises(ValueError, match="Unknown clerical decision"):
        decisions.normalise(_decided(("a", "b", "maybe")))
