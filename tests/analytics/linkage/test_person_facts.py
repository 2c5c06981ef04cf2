"""Person facts: each resolved person's date of birth, sex, ethnicity and area, voted from their records."""

from __future__ import annotations

import ibis
import pandas as pd
import pyarrow.parquet as pq
import pytest

from upstream_analytics import generator
from upstream_analytics.engine import to_sorted_records
from upstream_analytics.linkage import facts, households, pipeline
from upstream_analytics.records.importer import import_extract

PEOPLE = pd.DataFrame(
    [
        # R1: two records say 2010-05-01, one 2010-05-02, one only "2010-05": the fullest, commonest date wins.
        ("P1", "2010-05-01", "F", "W1", "L1"),
        ("P2", "2010-05-01", "F", None, "L1"),
        ("P3", "2010-05-02", "M", "A1", "L2"),
        ("P4", "2010-05", "", "A1", "L2"),
        # R2: only partial dates, the commoner of them read as its first day; a tie of sex goes to the smallest.
        ("P5", "1980", "M", None, None),
        ("P6", "1980-07", "F", None, "L9"),
        ("P7", "1980-07", None, None, None),
        # R3: no date of birth anywhere, so no row.
        ("P8", None, "M", "W1", "L1"),
    ],
    columns=["person_id", "date_of_birth", "sex", "ethnicity", "address_location_id"],
)
RESOLVED = pd.DataFrame(
    {"person_id": [f"P{i}" for i in range(1, 9)], "resolved_person_id": ["R1"] * 4 + ["R2"] * 3 + ["R3"]}
)
LOCATIONS = pd.DataFrame({"location_id": ["L1", "L2", "L9"], "area_code": ["W01000001", "W01000002", None]})


def test_votes_the_fullest_commonest_date_and_the_commonest_sex_ethnicity_and_area(con):
    tables = [ibis.memtable(f) for f in (PEOPLE, RESOLVED, LOCATIONS)]
    if con.name == "pyspark":
        names = ("facts_people", "facts_resolved", "facts_locations")
        tables = [con.create_table(n, t, overwrite=True) for n, t in zip(names, tables, strict=True)]
    rows = to_sorted_records(con, facts.person_facts(*tables))
    assert rows == [
        {
            "resolved_person_id": "R1",
            "date_of_birth": "2010-05-01",
            "dob_ymd": 20100501,
            "sex": "F",
            "ethnicity": "A1",
            "area_code": "W01000001",
        },
        {
            "resolved_person_id": "R2",
            "date_of_birth": "1980-07-01",
            "dob_ymd": 19800701,
            "sex": "F",
            "ethnicity": None,
            "area_code": None,
        },
    ]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("facts-store")
    generator.write(generator.generate(120, 2, seed=5), root / "extract")
    import_extract(root / "extract", root / "analytics")
    return root / "analytics"


def test_a_link_run_writes_the_facts_of_its_own_groups(store, tmp_path):
    out, said = tmp_path / "link", []
    pipeline.run_link(store, out, progress=said.append)
    assert said[-1] == "Voting each person's date of birth, sex, ethnicity and area"  # the run shows the step
    written = pq.read_table(out / facts.FILE).to_pandas()
    resolved = pd.read_csv(out / "people_resolved.csv", dtype=str)
    assert tuple(written.columns) == facts.COLUMNS
    assert set(written["resolved_person_id"]) <= set(resolved["resolved_person_id"])
    assert written["resolved_person_id"].is_unique
    assert len(written) > 0.9 * resolved["resolved_person_id"].nunique()  # the generator leaves few dates out


def test_a_link_run_that_fails_leaves_no_earlier_facts_behind(store, tmp_path, monkeypatch):
    out = tmp_path / "link"
    pipeline.run_link(store, out)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(households, "build_households", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        pipeline.run_link(store, out)
    assert not (out / facts.FILE).exists()  # the new groups are written, so the old facts must not stay
