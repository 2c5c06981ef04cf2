"""Every trigger rule and list on the hand-made household, on DuckDB and on Spark, against the hand-worked answer."""

from __future__ import annotations

import dataclasses

import pytest
from triggers_fixtures import AS_OF, inputs

from upstream_analytics.linkage import facts
from upstream_analytics.triggers import pipeline, ruleset


@pytest.fixture(scope="module")
def rules():
    """Returns the shipped rule set."""
    return ruleset.load(None, None).rules


@pytest.fixture(scope="module", params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def outputs(request, rules):
    """Returns one run of every rule on the fixture per engine, so each test checks DuckDB and Spark alike."""
    con = request.getfixturevalue(f"{request.param}_con")
    return pipeline.run(con, inputs(con), rules, AS_OF)


def _found(outputs, kind):
    ev = outputs.evidence[outputs.evidence["kind"] == kind]
    return {(r.resolved_person_id, r.name, r.event_id) for r in ev.itertuples()}


def test_aces_follow_each_rule_with_the_edge_cases(outputs):
    aces = _found(outputs, "ace")
    expected = {
        # Domestic abuse in the household: the children alive and under 18 that day (not the baby, born later).
        ("R_C1", "domestic_abuse", "E01"),
        ("R_C2", "domestic_abuse", "E01"),
        ("R_C1", "domestic_abuse", "E20"),
        ("R_C2", "domestic_abuse", "E20"),
        ("R_C1", "physical_abuse", "E09"),
        ("R_C2", "sexual_abuse", "E10"),
        # Mother remanded: C2 was still 17, the baby was born.
        ("R_C1", "parental_imprisonment", "E05"),
        ("R_C2", "parental_imprisonment", "E05"),
        ("R_BABY", "parental_imprisonment", "E05"),
        # s136 after C2 turned 18.
        ("R_C1", "parental_mental_health", "E06"),
        ("R_BABY", "parental_mental_health", "E06"),
        # The second of two alcohol events within 12 months.
        ("R_C1", "parental_alcohol_misuse", "E08"),
        ("R_C2", "parental_alcohol_misuse", "E08"),
        ("R_BABY", "parental_alcohol_misuse", "E08"),
        # The mother's drugs warrant; the adult sibling's drug offence (E03) is not parental.
        ("R_C1", "parental_drug_misuse", "E15"),
        ("R_C2", "parental_drug_misuse", "E15"),
    }
    assert aces == expected


def test_not_counted_the_day_outside_the_window_the_parent_who_moved_out_and_the_adult_sibling(outputs):
    events = {e for _, _, e in _found(outputs, "ace")}
    assert "E02" not in events  # one day before the window
    assert "E04" not in events  # the father moved out in 2022
    assert "E03" not in events  # the adult sibling is not a parent
    people = set(outputs.triggers["resolved_person_id"])
    assert "R_SIB" not in people  # an adult is never scored


def test_score_is_the_number_of_distinct_ace_types_with_evidence(outputs):
    rows = outputs.triggers.set_index("resolved_person_id")
    assert rows.loc["R_C1", "ace_count"] == 6
    assert rows.loc["R_C2", "ace_count"] == 5
    assert rows.loc["R_BABY", "ace_count"] == 3
    assert rows.loc["R_C1", "person_ids"] == "p_c1a;p_c1b"
    assert rows.loc["R_C1", "date_of_birth"] == "2015-05-05"
    assert "E09" in rows.loc["R_C1", "evidence_event_ids"].split(";")
    assert rows.loc["R_C1", "rule_version"] == "1"
    assert pipeline.level(5, ruleset.load(None, None).rules) == "referral"
    assert pipeline.level(3, ruleset.load(None, None).rules) == "emerging"


def test_prevention_flags_sit_beside_the_score(outputs):
    assert _found(outputs, "flag") == {
        ("R_C1", "repeat_missing", "E12"),
        ("R_C1", "repeat_missing", "E13"),
        ("R_C1", "exploitation", "E13"),
        ("R_C1", "exploitation", "E14"),
        ("R_C1", "first_time_suspect", "E14"),
        ("R_C1", "drugs_warrant", "E15"),
        ("R_C1", "violence_outside_home", "E11"),
        ("R_K", "repeat_missing", "EK0"),
        ("R_K", "repeat_missing", "EK1"),
        ("R_K", "repeat_missing", "EK2"),
    }
    row = outputs.triggers.set_index("resolved_person_id").loc["R_C1"]
    assert row["flags"] == "drugs_warrant;exploitation;first_time_suspect;repeat_missing;violence_outside_home"


def test_repeat_victims_same_type_within_a_year_and_domestic_abuse_as_one_type(outputs):
    rv = outputs.repeat_victims
    got = {(r.resolved_person_id, r.crime_type, r.victimisations, r.repeats) for r in rv.itertuples()}
    assert got == {("R_V1", "49", 2, 1), ("R_M", "DA", 2, 1)}


def test_frequent_callers_adult_and_under_18_rules(outputs):
    fc = outputs.frequent_callers.set_index("resolved_person_id")
    assert set(fc.index) == {"R_CALLER", "R_TEEN"}
    assert fc.loc["R_CALLER", "rules_met"] == "5+ in 30 days"
    assert fc.loc["R_TEEN", "rules_met"] == "3+ in 182 days (under 18)"
    assert fc.loc["R_CALLER", "calls"] == 5


def test_frequent_missing_three_within_a_year(outputs):
    fm = outputs.frequent_missing
    assert list(fm["resolved_person_id"]) == ["R_K"]
    assert fm.iloc[0]["episodes"] == 3


def test_repeat_locations_rank_addresses_with_their_share(outputs):
    loc = outputs.repeat_locations
    assert loc.iloc[0]["place_key"] == "uprn:100000000001" or loc.iloc[0]["events"] >= loc.iloc[1]["events"]
    assert loc["cumulative_share"].is_monotonic_increasing
    assert (loc["events"] >= 3).all()


def test_disparity_compares_triggered_children_with_all_children(outputs):
    d = outputs.disparity
    overall = d[d["dimension"] == "all"].iloc[0]
    # Children in the window: C1, C2, BABY, TEEN, K (SIB was 20 at its start).
    assert overall["children"] == 5
    assert overall["referral"] == 2
    females = d[(d["dimension"] == "sex") & (d["group"] == "F")].iloc[0]
    assert females["children"] == 3  # C2, BABY, TEEN
    assert females["referral_ratio"] == pytest.approx((1 / 3) / (2 / 5), rel=1e-3)


def test_the_linkage_person_facts_give_the_same_run_as_voting_afresh(request, rules, outputs):
    con = request.getfixturevalue(f"{request.node.callspec.params['outputs']}_con")
    given = inputs(con)
    with_facts = dataclasses.replace(given, facts=facts.person_facts(given.people, given.resolved, given.locations))
    again = pipeline.run(con, with_facts, rules, AS_OF)
    assert again.evidence.equals(outputs.evidence)
    for name in ("triggers", "repeat_victims", "frequent_callers", "frequent_missing", "repeat_locations", "disparity"):
        assert getattr(again, name).equals(getattr(outputs, name)), name
