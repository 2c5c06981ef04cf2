"""Accuracy of the trigger lists against the generator's ground truth (truth/person_truth.csv, child_aces.csv)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Score:
    """Precision and recall of one list."""

    name: str
    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Returns the share of listed people who should be listed."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Returns the share of people who should be listed who are."""
        return self.true_positives / self.actual if self.actual else 1.0


def true_ids(resolved: pd.DataFrame, person_truth: pd.DataFrame) -> pd.Series:
    """Returns each resolved person's true person: the one most of their records belong to."""
    joined = resolved.merge(person_truth, on="person_id")
    counts = joined.groupby(["resolved_person_id", "true_person_id"]).size().rename("n").reset_index()
    counts = counts.sort_values(["resolved_person_id", "n", "true_person_id"], ascending=[True, False, True])
    return counts.drop_duplicates("resolved_person_id").set_index("resolved_person_id")["true_person_id"]


def score(name: str, predicted: set[str], actual: set[str]) -> Score:
    """Returns the score of a predicted set of true ids against the actual set."""
    return Score(name, len(predicted & actual), len(predicted), len(actual))


def referral_list(triggers: pd.DataFrame, resolved: pd.DataFrame, truth_dir: Path, threshold: int) -> Score:
    """Returns precision and recall, at the child level, of the list of children with `threshold`+ ACEs.

    Both sides are the children of the truth table (under 18 on the as-of day); a resolved person counts as
    the true child most of their records belong to.
    """
    person_truth = pd.read_csv(truth_dir / "person_truth.csv", dtype=str)
    aces = pd.read_csv(truth_dir / "child_aces.csv", dtype={"true_person_id": str})
    mapping = true_ids(resolved, person_truth)
    population = set(aces["true_person_id"])
    actual = set(aces.loc[aces["ace_count"] >= threshold, "true_person_id"])
    hits = triggers[triggers["ace_count"] >= threshold]["resolved_person_id"].map(mapping)
    predicted = {t for t in hits.dropna() if t in population}
    return score(f"children with {threshold}+ ACEs", predicted, actual)


def person_list(name: str, listed: pd.Series, truth_listed: set[str], resolved: pd.DataFrame, truth_dir: Path) -> Score:
    """Returns precision and recall of a list of resolved people against the true people it should hold."""
    person_truth = pd.read_csv(truth_dir / "person_truth.csv", dtype=str)
    mapping = true_ids(resolved, person_truth)
    predicted = set(listed.map(mapping).dropna())
    return score(name, predicted, truth_listed)
