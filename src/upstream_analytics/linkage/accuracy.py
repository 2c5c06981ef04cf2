"""Pairwise precision, recall and F1 of a clustering against the truth."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class PairwiseScore:
    """Pairwise accuracy of a resolution: every pair of records put together is a prediction."""

    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        """Returns the share of predicted pairs that are true."""
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Returns the share of true pairs that were predicted."""
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        """Returns the harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs_within(groups: pd.Series) -> int:
    sizes = groups.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_score(resolved: pd.DataFrame, truth: pd.DataFrame) -> PairwiseScore:
    """Returns the pairwise score of resolved (person_id, resolved_person_id) against truth (…, true_person_id)."""
    both = resolved.merge(truth, on="person_id", how="inner")
    true_positives = _pairs_within(both["resolved_person_id"].astype(str) + "\x00" + both["true_person_id"].astype(str))
    return PairwiseScore(
        true_positives=true_positives,
        predicted_pairs=_pairs_within(both["resolved_person_id"]),
        true_pairs=_pairs_within(both["true_person_id"]),
    )
