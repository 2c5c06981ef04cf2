"""`upstream triggers run`: the output contract, bad rule sets, and a store that is empty or not yet linked."""

from __future__ import annotations

import importlib.util
import os
from io import StringIO
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from upstream_analytics import engine
from upstream_analytics.linkage import facts
from upstream_analytics.triggers.ruleset import shipped_path

pytestmark = pytest.mark.django_db

_spec = importlib.util.spec_from_file_location(
    "triggers_fixtures", Path(__file__).parents[1] / "analytics" / "triggers" / "triggers_fixtures.py"
)
assert _spec is not None
assert _spec.loader is not None
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)


@pytest.fixture
def data_dir(tmp_path, settings):
    """Returns a data folder of its own for the test."""
    settings.DATA_DIR = tmp_path
    settings.ANALYTICS_DIR = tmp_path / "analytics"
    settings.RUNS_DIR = tmp_path / "runs"
    return tmp_path


def _store(data_dir: Path, *, linked: bool = True, with_facts: bool = False) -> None:
    frames = fixtures.frames()
    version = data_dir / "analytics" / "records" / "versions" / "v000001"
    version.mkdir(parents=True)
    for name in ("events", "people", "locations", "involvements", "relationships"):
        # The same column types the engines see in the analytics tests.
        pq.write_table(fixtures._arrow(frames[name]), version / f"{name}.parquet")
    (data_dir / "analytics" / "records" / "CURRENT").write_text("v000001\n", encoding="utf-8")
    if linked:
        link = data_dir / "runs" / "link"
        link.mkdir(parents=True)
        frames["resolved"].to_csv(link / "people_resolved.csv", index=False)
        frames["households"].to_csv(link / "households.csv", index=False)
        if with_facts:  # as `upstream records link` writes them
            con = engine.connect("duckdb")
            tables = [ibis.memtable(fixtures._arrow(frames[n])) for n in ("people", "resolved", "locations")]
            facts.write(con, facts.person_facts(*tables), link)


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("triggers", "run", "--as-of", "2025-12-31", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_run_writes_the_output_contract(data_dir, tmp_path):
    _store(data_dir)
    out, _ = _run("--out", str(tmp_path / "out"))
    assert "shipped rule set version 1" in out
    assert "2 children at the referral threshold (4+ ACEs), 1 emerging." in out
    folder = tmp_path / "out"
    triggers = pd.read_csv(folder / "triggers.csv", dtype=str)
    assert list(triggers.columns) == [
        "resolved_person_id", "person_ids", "date_of_birth", "ace_types", "ace_count", "flags",
        "evidence_event_ids", "rule_version",
    ]  # fmt: skip
    first = triggers.iloc[0]
    assert first["resolved_person_id"] == "R_C1"
    assert first["ace_types"].split(";") == [
        "domestic_abuse", "parental_alcohol_misuse", "parental_drug_misuse", "parental_imprisonment",
        "parental_mental_health", "physical_abuse",
    ]  # fmt: skip
    resolved = pd.read_csv(folder / "people_resolved.csv", dtype=str)
    assert list(resolved.columns) == ["person_id", "resolved_person_id"]
    for name in ("repeat_victims", "frequent_callers", "frequent_missing", "repeat_locations", "disparity", "evidence"):
        assert (folder / f"{name}.csv").exists(), name
    assert set(pd.read_csv(folder / "frequent_callers.csv")["resolved_person_id"]) == {"R_CALLER", "R_TEEN"}


def test_a_force_can_change_a_threshold(data_dir, tmp_path):
    _store(data_dir)
    rules = tmp_path / "force.yaml"
    text = shipped_path().read_text(encoding="utf-8")
    rules.write_text(
        text.replace('version: "1"', 'version: "1-force"').replace("referral_threshold: 4", "referral_threshold: 6")
    )
    out, _ = _run("--rules", str(rules), "--out", str(tmp_path / "out"))
    assert "rule set version 1-force" in out
    assert "1 children at the referral threshold (6+ ACEs), 2 emerging." in out
    assert set(pd.read_csv(tmp_path / "out" / "triggers.csv", dtype=str)["rule_version"]) == {"1-force"}


def test_a_broken_rule_set_is_refused_with_its_line_and_the_last_good_one_runs(data_dir, tmp_path):
    _store(data_dir)
    good = tmp_path / "good.yaml"
    good.write_text(shipped_path().read_text(encoding="utf-8").replace('version: "1"', 'version: "7"'))
    _run("--rules", str(good), "--out", str(tmp_path / "a"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("offences: sexual_offences", "offences: sexual_offense"))
    out, err = _run("--rules", str(bad), "--out", str(tmp_path / "b"))
    assert "Rule set refused" in err
    assert "line 57" in err
    assert "unknown code list 'sexual_offense'" in err
    assert "last good rule set version 7" in out
    assert set(pd.read_csv(tmp_path / "b" / "triggers.csv", dtype=str)["rule_version"]) == {"7"}


def test_a_broken_rule_set_with_no_last_good_one_falls_back_to_the_shipped_one(data_dir, tmp_path):
    _store(data_dir)
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nlookback_months: [\n")
    out, err = _run("--rules", str(bad), "--out", str(tmp_path / "b"))
    assert "not valid YAML" in err
    assert "shipped rule set version 1" in out


def test_an_empty_store_says_to_import_first(data_dir):
    with pytest.raises(CommandError, match=r"run `upstream records import` first"):
        _run()


def test_a_store_not_yet_linked_says_to_link_first(data_dir):
    _store(data_dir, linked=False)
    with pytest.raises(CommandError, match=r"run `upstream records link` first"):
        _run()


def test_a_bad_as_of_date_says_the_format(data_dir):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("triggers", "run", "--as-of", "31/12/2025", stdout=StringIO())


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_the_linkage_person_facts_give_the_same_files_as_voting_afresh(data_dir, tmp_path):
    _store(data_dir, with_facts=True)
    _run("--out", str(tmp_path / "with"))
    (data_dir / "runs" / "link" / facts.FILE).unlink()
    _run("--out", str(tmp_path / "without"))
    assert _files(tmp_path / "with") == _files(tmp_path / "without")


def test_person_facts_older_than_the_groups_are_not_read(data_dir, tmp_path):
    _store(data_dir)
    _run("--out", str(tmp_path / "voted"))
    link = data_dir / "runs" / "link"
    # Facts of no one: a run that read them would find no children, so would trigger no one.
    pq.write_table(
        pa.table({c: pa.array([], pa.int64() if c == "dob_ymd" else pa.string()) for c in facts.COLUMNS}),
        link / facts.FILE,
    )
    out, _ = _run("--out", str(tmp_path / "read"))
    assert "0 children at the referral threshold" in out, out
    resolved = link / "people_resolved.csv"
    resolved.touch()
    os.utime(resolved, (resolved.stat().st_atime, (link / facts.FILE).stat().st_mtime + 10))
    _run("--out", str(tmp_path / "stale"))
    assert _files(tmp_path / "stale") == _files(tmp_path / "voted")


@pytest.mark.spark
def test_spark_writes_the_same_files_as_duckdb(data_dir, tmp_path):
    _store(data_dir, with_facts=True)
    _run("--out", str(tmp_path / "duckdb"))
    _run("--engine", "spark", "--out", str(tmp_path / "spark"))
    for name in ("triggers", "evidence", "repeat_victims", "frequent_callers", "frequent_missing", "repeat_locations"):
        duck = pd.read_csv(tmp_path / "duckdb" / f"{name}.csv", dtype=str)
        spark = pd.read_csv(tmp_path / "spark" / f"{name}.csv", dtype=str)
        pd.testing.assert_frame_equal(duck, spark, obj=name)
