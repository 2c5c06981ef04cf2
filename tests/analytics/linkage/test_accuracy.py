"""Linkage accuracy against ground truth: Splink's labelled fake_1000 and the synthetic force."""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from upstream_analytics.generator import generate
from upstream_analytics.linkage import model, standardise
from upstream_analytics.linkage.accuracy import pairwise_score

FAKE_1000 = Path("/work/shared/data/linkage/fake_1000.csv")


def standardised(con, people: pd.DataFrame, locations: pd.DataFrame) -> pd.DataFrame:
    nicknames = ibis.memtable(standardise.nicknames_frame())
    return con.execute(standardise.standardise_people(ibis.memtable(people), ibis.memtable(locations), nicknames))


def test_pairwise_score_counts_pairs():
    resolved = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "resolved_person_id": ["a", "a", "a", "d"]})
    truth = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "true_person_id": ["1", "1", "2", "2"]})
    score = pairwise_score(resolved, truth)
    assert (score.true_positives, score.predicted_pairs, score.true_pairs) == (1, 3, 2)
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(1 / 2)


def test_the_saved_model_links_the_synthetic_force_with_f1_of_at_least_095(duckdb_con):
    extract = generate(4000, 5, seed=11)
    records = standardised(duckdb_con, extract.people, extract.locations)
    result = model.predict(records)
    score = pairwise_score(result.clusters, extract.person_truth)
    # Measured 0.968 (precision 0.999, recall 0.939) here and on seed 7; the floor is 0.95.
    assert score.f1 >= 0.95, score
    assert score.precision >= 0.97, score


@pytest.mark.skipif(not FAKE_1000.exists(), reason="needs /work/shared/data/linkage/fake_1000.csv")
def test_em_trained_on_fake_1000_reaches_the_measured_f1(duckdb_con):
    raw = pd.read_csv(FAKE_1000, dtype=str)
    blank = pd.Series([None] * len(raw), dtype="string")
    people = pd.DataFrame(
        {
            "person_id": raw["unique_id"],
            "forename": raw["first_name"],
            "middle_names": blank,
            "surname": raw["surname"],
            "date_of_birth": raw["dob"],
            "sex": blank,
            "pnc_id": blank,
            "address_location_id": blank,
        }
    )
    locations = pd.DataFrame(
        {c: pd.Series([], dtype="string") for c in ("location_id", "uprn", "address_line", "postcode")}
    )
    records = standardised(duckdb_con, people, locations)
    # fake_1000 has a city, not a postcode, and an email that identifies a person as a PNC id would.
    city = raw["city"].str.lower().str.strip()
    records = records.assign(postcode_std=city, place_key=city, pnc_std=raw["email"].str.lower())
    # Its errors (years of birth wrong, names blank) are not a police system's, so EM learns every level here.
    trained = model.train(records, out=None, guards=False)
    trained.pop("upstream_model_version")
    result = model.predict(records, model=trained, threshold=0.5, floor=0.5)
    score = pairwise_score(
        result.clusters, pd.DataFrame({"person_id": raw["unique_id"], "true_person_id": raw["cluster"]})
    )
    # Measured F1 0.862 (precision 0.989, recall 0.764) at 0.5; a small margin for Splink's sampling.
    assert score.f1 >= 0.84, score
    assert score.precision >= 0.95, score
