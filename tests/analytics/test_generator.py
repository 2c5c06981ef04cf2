"""The synthetic force is realistic enough to test linkage and triggers on, and the same for a seed."""

from __future__ import annotations

import pandas as pd

from upstream_analytics.generator import ACE_TYPES, generate, write


def test_the_same_seed_gives_the_same_extract_and_another_seed_does_not():
    a, b, c = generate(500, 3, seed=5), generate(500, 3, seed=5), generate(500, 3, seed=6)
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.involvements, b.involvements)
    assert not a.people.equals(c.people)


def test_every_person_record_has_a_true_person_and_some_people_have_several():
    extract = generate(3000, 5, seed=3)
    truth = extract.person_truth
    assert set(truth["person_id"]) == set(extract.people["person_id"])
    per_person = truth.groupby("true_person_id").size()
    assert (per_person > 1).mean() > 0.1


def test_records_carry_the_errors_real_systems_hold():
    extract = generate(3000, 5, seed=3)
    people = extract.people
    dob = people["date_of_birth"]
    assert (dob.str.len() == 4).any()  # YYYY
    assert (dob.str.len() == 7).any()  # YYYY-MM
    assert (dob == "").any()
    assert people["forename"].isin(["Bob", "Liz", "Bill", "Jim", "Tom"]).any()
    assert people["surname"].str.isupper().any()
    assert extract.true_people["twin"].astype(bool).any()


def test_events_use_the_spec_values_and_reference_real_rows():
    extract = generate(3000, 5, seed=3)
    events, inv = extract.events, extract.involvements
    assert set(events["event_type"]) == {"CALL", "INCIDENT", "CRIME", "MISSING", "CUSTODY", "S136"}
    codes = events.loc[events["offence_code"] != "", "offence_code"]
    assert codes.str.fullmatch(r"[0-9]{1,3}[A-Z]{0,2}").all()
    assert {"DA", "ALCOHOL", "DRUGS", "MENTAL_HEALTH", "SELF_HARM"} <= set(";".join(events["flags"]).split(";"))
    assert set(inv["event_id"]) <= set(events["event_id"])
    assert set(inv["person_id"]) <= set(extract.people["person_id"])
    assert set(events["location_id"]) <= set(extract.locations["location_id"])


def test_some_children_live_with_four_or_more_aces():
    extract = generate(5000, 5, seed=3)
    aces = extract.child_aces
    assert (aces["ace_count"] >= 4).any()
    named = {t for types in aces["ace_types"] if types for t in types.split(";")}
    assert named <= set(ACE_TYPES)


def test_written_extract_holds_the_tables_and_the_truth(tmp_path):
    counts = write(generate(300, 2, seed=1), tmp_path, fmt="parquet")
    for table in ("events", "people", "locations", "involvements", "relationships"):
        assert (tmp_path / f"{table}.parquet").exists()
        assert counts[table] > 0
    assert (tmp_path / "truth" / "person_truth.csv").exists()
    assert (tmp_path / "truth" / "child_aces.csv").exists()
