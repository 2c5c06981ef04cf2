"""The named-parent rule on a small hand-written extract, on DuckDB and Spark, against the triggers written below.

A parent the source names (relationships PARENT_OF / CARER_OF, or an involvement's PARENT / CARER / CHILD)
counts as a household member on every day when the linkage never put the two in one household; one the
linkage did house with the child keeps that stay (docs/triggers.md, "A parent the source names").

As of 2025-12-31 (window 2024-01-01 to 2025-12-31):
- K1 (born 2012) lives alone at a new address as far as the linkage knows. Their mother M (PARENT_OF in
  relationships, still at the old address) is imprisoned (N02) and a victim of domestic abuse (N03); their
  father F, named only as K1's PARENT in N01 (K1 the victim), is charged with a drugs offence (N04).
- K2 (born 2014) is at a drugs warrant (N05) as the CHILD of its suspect S: the event has no victim or
  subject, so the relationship is read against the suspect. S is later detained under s136 (N06).
- K3 (born 2013) lived with mother G (PARENT_OF) until G moved out in 2021: G's remand in 2025 (N07) is
  outside her stay even with the year's tolerance, so it does not count.
- K4 (born 2010) is named in N09 as the CHILD of B, who is only seven years older: B counts as a household
  member (his DA incident N08 is domestic abuse in K4's household) but not as a parent (his drugs offence
  N10 is not parental drug misuse).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from triggers_fixtures import as_inputs, build_frames

from upstream_analytics.triggers import pipeline, ruleset
from upstream_analytics.triggers.pipeline import Inputs

AS_OF = dt.date(2025, 12, 31)

PEOPLE = [
    # person_id, date of birth, sex, address
    ("p_m", "1985-03-01", "F", "LA"),
    ("p_k1", "2012-06-01", "M", "LB"),
    ("p_f", "1982-01-01", "M", "LC"),
    ("p_x", "1970-01-01", "M", "LC"),
    ("p_s", "1990-01-01", "M", "LD"),
    ("p_k2", "2014-02-02", "F", "LE"),
    ("p_g", "1984-01-01", "F", "LF"),
    ("p_k3", "2013-01-01", "M", "LF"),
    ("p_b", "2003-01-01", "M", "LG"),
    ("p_y", "2002-01-01", "F", "LG"),
    ("p_k4", "2010-01-01", "F", "LH"),
]
HOUSEHOLDS = [
    # resolved_person_id, household_id, from, to: nobody is housed with K1, K2 or K4
    ("R_M", "HA", "2020-01-01", "2025-06-01"),
    ("R_K1", "HB", "2023-01-01", "2025-12-01"),
    ("R_F", "HC", None, None),
    ("R_S", "HD", None, None),
    ("R_K2", "HE", None, None),
    ("R_G", "HF", "2015-01-01", "2021-06-01"),
    ("R_K3", "HF", "2015-01-01", "2025-10-01"),
    ("R_B", "HG", None, None),
    ("R_K4", "HH", None, None),
]
RELATIONSHIPS = [("p_m", "p_k1", "PARENT_OF"), ("p_g", "p_k3", "PARENT_OF")]
EVENTS = [
    # Each event: its id, type, day, category, offence, flags and outcome, and its people with their roles
    ("N01", "CRIME", "2024-05-01", "Assault", "8N", None, "RUI",
     [("p_k1", "VICTIM", None), ("p_x", "SUSPECT", "STRANGER"), ("p_f", "WITNESS", "PARENT")]),
    ("N02", "CUSTODY", "2024-09-01", "Custody", "28E", None, "IMPRISONED", [("p_m", "DETAINED", None)]),
    ("N03", "INCIDENT", "2025-02-01", "Domestic incident", None, "DA", None,
     [("p_m", "VICTIM", None), ("p_x", "SUSPECT", "PARTNER")]),
    ("N04", "CRIME", "2025-03-01", "Drugs supply", "92A", "DRUGS", "CHARGED", [("p_f", "SUSPECT", None)]),
    ("N05", "CRIME", "2024-10-01", "Drugs warrant", "92B", "DRUGS", "CHARGED",
     [("p_s", "SUSPECT", None), ("p_k2", "CHILD_PRESENT", "CHILD")]),
    ("N06", "S136", "2025-04-01", "Section 136 detention", None, "MENTAL_HEALTH", None, [("p_s", "DETAINED", None)]),
    ("N07", "CUSTODY", "2025-03-01", "Custody", "28E", None, "REMANDED", [("p_g", "DETAINED", None)]),
    ("N08", "INCIDENT", "2024-07-01", "Domestic incident", None, "DA", None,
     [("p_y", "VICTIM", None), ("p_b", "SUSPECT", "PARTNER")]),
    ("N09", "INCIDENT", "2024-03-01", "Concern for welfare", None, None, None,
     [("p_b", "SUBJECT", None), ("p_k4", "OTHER", "CHILD")]),
    ("N10", "CRIME", "2025-01-01", "Drugs possession", "92B", "DRUGS", "CAUTION", [("p_b", "SUSPECT", None)]),
]  # fmt: skip

EXPECTED_ACES = {
    # (child, ACE, event, household member)
    ("R_K1", "parental_imprisonment", "N02", "R_M"),
    ("R_K1", "domestic_abuse", "N03", "R_M"),
    ("R_K1", "parental_drug_misuse", "N04", "R_F"),
    ("R_K2", "parental_drug_misuse", "N05", "R_S"),
    ("R_K2", "parental_mental_health", "N06", "R_S"),
    ("R_K4", "domestic_abuse", "N08", "R_B"),
}
EXPECTED_FLAGS = {("R_K1", "violence_outside_home", "N01"), ("R_K2", "drugs_warrant", "N05")}
EXPECTED_TRIGGERS = [
    # resolved_person_id, person_ids, date_of_birth, ace_types, ace_count, flags, evidence_event_ids
    ("R_K1", "p_k1", "2012-06-01", "domestic_abuse;parental_drug_misuse;parental_imprisonment", 3,
     "violence_outside_home", "N01;N02;N03;N04"),
    ("R_K2", "p_k2", "2014-02-02", "parental_drug_misuse;parental_mental_health", 2, "drugs_warrant", "N05;N06"),
    ("R_K4", "p_k4", "2010-01-01", "domestic_abuse", 1, "", "N08"),
]  # fmt: skip


def frames() -> dict[str, pd.DataFrame]:
    """Returns the extract's store tables and linkage as frames (every event at L1, no ethnicity)."""
    return build_frames(
        people=[(p, dob, sex, None, address) for p, dob, sex, address in PEOPLE],
        events=[(e[0], e[1], e[2], "L1", *e[3:7]) for e in EVENTS],
        involvements=[(e[0], p, role, rel) for e in EVENTS for p, role, rel in e[7]],
        locations=[(f"L{c}", None, f"{i} Some Street", "HX1 1AA", "E01000001") for i, c in enumerate("1ABCDEFGH")],
        relationships=RELATIONSHIPS,
        households=HOUSEHOLDS,
        resolved={},
    )


def inputs(con) -> Inputs:
    """Returns the extract as tables on the given engine."""
    return as_inputs(con, frames(), prefix="np")


@pytest.fixture(scope="module", params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def outputs(request):
    """Returns one run of the rules on the extract per engine."""
    con = request.getfixturevalue(f"{request.param}_con")
    return pipeline.run(con, inputs(con), ruleset.load(None, None).rules, AS_OF)


def test_named_parents_count_as_household_members_when_the_linkage_never_housed_them_together(outputs):
    ev = outputs.evidence
    aces = {(r.resolved_person_id, r.name, r.event_id, r.member_id) for r in ev[ev["kind"] == "ace"].itertuples()}
    assert aces == EXPECTED_ACES
    flags = {(r.resolved_person_id, r.name, r.event_id) for r in ev[ev["kind"] == "flag"].itertuples()}
    assert flags == EXPECTED_FLAGS


def test_a_named_parent_the_linkage_housed_keeps_the_stay_and_a_young_named_parent_is_not_a_parent(outputs):
    people = set(outputs.triggers["resolved_person_id"])
    assert "R_K3" not in people  # G moved out in 2021: her remand (N07) is not K3's
    k4 = outputs.evidence[outputs.evidence["resolved_person_id"] == "R_K4"]
    assert "N10" not in set(k4["event_id"])  # B is seven years older than K4: not a parent


def test_the_triggers_are_the_ones_written_down(outputs):
    columns = ["resolved_person_id", "person_ids", "date_of_birth", "ace_types", "ace_count", "flags"]
    got = [(*r, e) for r, e in zip(outputs.triggers[columns].itertuples(index=False, name=None),
                                   outputs.triggers["evidence_event_ids"], strict=True)]  # fmt: skip
    assert got == EXPECTED_TRIGGERS
    assert set(outputs.triggers["rule_version"]) == {"1"}
