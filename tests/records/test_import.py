# ruff: noqa: DTZ001, S608, S603 - the store keeps naive UTC times; SQL and the subprocess take test-made paths
"""`upstream records import` keeps the spec's promises: rejects with reasons, idempotence, all or nothing."""

from __future__ import annotations

import copy
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pole_extracts import GOOD, HEADERS, write_extract

from upstream_analytics.records.importer import import_extract
from upstream_analytics.records.store import RecordsStore

NOW = dt.datetime(2025, 1, 1)


@pytest.fixture
def extract(tmp_path):
    """Returns a small good extract folder."""
    return write_extract(tmp_path / "extract")


def store_rows(analytics_dir: Path) -> dict[str, list[tuple]]:
    """Returns every table of the current store version, sorted, for comparison."""
    folder = RecordsStore(analytics_dir).current_dir()
    con = duckdb.connect()
    return {
        name: sorted(map(tuple, con.sql(f"select * from read_parquet('{folder / name}.parquet')").fetchall()), key=str)
        for name in ("events", "people", "locations", "involvements", "relationships")
    }


def rejects(summary) -> pd.DataFrame:
    return pd.read_csv(summary.rejects_path, dtype=str)


def test_a_good_extract_loads_every_row_with_a_summary(extract, settings):
    out = StringIO()
    call_command("records", "import", str(extract), stdout=out)
    text = out.getvalue()
    assert "store version v000001" in text
    assert "events" in text
    rows = store_rows(settings.ANALYTICS_DIR)
    assert len(rows["events"]) == 3
    assert len(rows["people"]) == 3
    assert len(rows["involvements"]) == 5


def test_local_times_are_read_as_london_time_and_stored_in_utc(extract, tmp_path):
    import_extract(extract, tmp_path / "a", now=NOW)
    folder = RecordsStore(tmp_path / "a").current_dir()
    times = dict(
        duckdb.sql(f"select event_id, occurred_at from read_parquet('{folder / 'events.parquet'}')").fetchall()
    )
    # 22:10 on 1 May 2024 in London is BST (UTC+1): both spellings are 21:10 UTC.
    assert times["E1"] == dt.datetime(2024, 5, 1, 21, 10)
    assert times["E2"] == dt.datetime(2024, 5, 1, 21, 10)


def test_bad_rows_go_to_rejects_with_file_line_and_reason(tmp_path):
    rows = copy.deepcopy(GOOD)
    rows["events"] += [
        ["E4", "PARTY", "2024-01-01T10:00", "", "", "", "", "", "", ""],  # line 5: unknown enum
        ["E5", "CRIME", "2024-13-45T10:00", "", "", "", "", "", "", ""],  # line 6: bad date
        ["E6", "CRIME", "2031-01-01T10:00", "", "", "", "", "", "", ""],  # line 7: future
        ["E7", "CRIME", "2024-01-01T10:00", "", "", "8n!", "", "", "", ""],  # line 8: malformed code
        ["E8", "CRIME", "2024-01-01T10:00", "L99", "", "", "", "", "", ""],  # line 9: dangling location
        ["", "CRIME", "2024-01-01T10:00", "", "", "", "", "", "", ""],  # line 10: missing id
        ["E9", "CRIME", "2024-01-01T10:00", "", "", "", "DA;PARTY", "", "", ""],  # line 11: unknown flag
    ]
    rows["people"] += [
        ["P4", "Tom", "", "Jones", "1990-02-30", "M", "", "", "", ""],  # line 5: impossible date
        ["P5", "Ann", "", "Jones", "2010", "Q", "", "", "", ""],  # line 6: unknown sex
        ["P6", "Baby", "", "Smith", "2024-09-01", "F", "", "", "", ""],  # line 7: born after E1 (see below)
    ]
    rows["involvements"] += [
        ["E1", "P99", "VICTIM", ""],  # line 7: dangling person
        ["E4", "P1", "VICTIM", ""],  # line 8: its event was rejected
        ["E1", "P6", "CHILD_PRESENT", ""],  # line 9: born after the event
        ["E3", "P1", "HERO", ""],  # line 10: unknown role
    ]
    summary = import_extract(write_extract(tmp_path / "x", rows), tmp_path / "a", now=NOW)
    found = {(r.file, int(r.line)): r.reason for r in rejects(summary).itertuples()}
    assert found[("events.csv", 5)].startswith("unknown event_type: PARTY")
    assert found[("events.csv", 6)].startswith("bad date")
    assert found[("events.csv", 7)].startswith("date in the future")
    assert found[("events.csv", 8)].startswith("malformed offence_code")
    assert found[("events.csv", 9)].startswith("dangling reference: location_id L99")
    assert found[("events.csv", 10)] == "missing event_id"
    assert found[("events.csv", 11)].startswith("unknown flag")
    assert found[("people.csv", 5)].startswith("bad date")
    assert found[("people.csv", 6)].startswith("unknown sex")
    assert found[("involvements.csv", 7)].startswith("dangling reference: person_id P99")
    assert found[("involvements.csv", 8)].startswith("dangling reference: event_id E4")
    assert found[("involvements.csv", 9)].startswith("birth after the event")
    assert found[("involvements.csv", 10)].startswith("unknown role")
    assert len(found) == 13
    assert summary.rejected == 13
    assert summary.tables["events"].rejected == 7
    assert summary.tables["events"].total == 3
    assert summary.tables["people"].total == 4  # P6 is a good person record; only her involvement was bad


def test_a_row_with_too_few_fields_in_the_middle_is_rejected_with_its_line(tmp_path):
    folder = write_extract(tmp_path / "x")
    text = (folder / "people.csv").read_text(encoding="utf-8").splitlines()
    text.insert(2, "P9,Short,Row")
    (folder / "people.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    summary = import_extract(folder, tmp_path / "a", now=NOW)
    found = rejects(summary)
    assert list(found.itertuples(index=False, name=None)) == [
        ("people.csv", "3", "malformed row: has 3 fields, the header has 10")
    ]
    assert summary.tables["people"].total == 3


def test_importing_the_same_extract_twice_changes_nothing(extract, settings):
    call_command("records", "import", str(extract), stdout=StringIO())
    before = store_rows(settings.ANALYTICS_DIR)
    out = StringIO()
    call_command("records", "import", str(extract), stdout=out)
    assert "Nothing changed" in out.getvalue()
    assert store_rows(settings.ANALYTICS_DIR) == before


def test_a_later_extract_with_the_same_ids_updates_those_rows_and_keeps_the_rest(extract, tmp_path):
    import_extract(extract, tmp_path / "a", now=NOW)
    later = {
        "locations": [],
        "events": [["E3", "CALL", "2024-06-02 09:00", "", "Noise nuisance", "", "", "", "PRIORITY", "CAD"]],
        "people": [["P4", "New", "", "Person", "2000", "U", "", "", "", ""]],
        "involvements": [["E3", "P4", "WITNESS", ""]],
    }
    summary = import_extract(write_extract(tmp_path / "later", later), tmp_path / "a", now=NOW)
    assert summary.tables["events"].updated == 1
    assert summary.tables["people"].new == 1
    rows = store_rows(tmp_path / "a")
    assert len(rows["events"]) == 3
    e3 = next(r for r in rows["events"] if r[0] == "E3")
    assert "Noise nuisance" in e3
    assert "PRIORITY" in e3
    assert len(rows["people"]) == 4
    assert len(rows["relationships"]) == 2  # not in the later extract: kept


def test_an_extract_of_zero_rows_is_refused_plainly(tmp_path):
    folder = write_extract(tmp_path / "x", {name: [] for name in HEADERS})
    with pytest.raises(CommandError, match=r"holds no rows"):
        call_command("records", "import", str(folder), stdout=StringIO())


def test_a_missing_required_column_is_refused_naming_it(tmp_path):
    headers = {"events": [c for c in HEADERS["events"] if c != "occurred_at"]}
    rows = copy.deepcopy(GOOD)
    rows["events"] = [[v for i, v in enumerate(r) if i != 2] for r in rows["events"]]
    folder = write_extract(tmp_path / "x", rows, headers=headers)
    with pytest.raises(CommandError, match=r"events\.csv has no occurred_at column"):
        call_command("records", "import", str(folder), stdout=StringIO())


def test_a_missing_table_file_is_refused_naming_it(extract):
    (extract / "involvements.csv").unlink()
    with pytest.raises(CommandError, match=r"no involvements file"):
        call_command("records", "import", str(extract), stdout=StringIO())


def test_a_file_not_in_utf8_is_refused_with_a_way_to_fix_it(extract):
    text = (extract / "people.csv").read_text(encoding="utf-8").replace("Elizabeth", "Zoë")
    (extract / "people.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(CommandError, match=r"people\.csv is not UTF-8.*iconv"):
        call_command("records", "import", str(extract), stdout=StringIO())


def test_a_truncated_file_is_refused_plainly(extract):
    data = (extract / "involvements.csv").read_bytes()
    (extract / "involvements.csv").write_bytes(data[: len(data) - 12])
    with pytest.raises(CommandError, match=r"involvements\.csv looks truncated"):
        call_command("records", "import", str(extract), stdout=StringIO())


def test_a_parquet_extract_loads_like_csv(extract, tmp_path):
    parquet = tmp_path / "pq"
    parquet.mkdir()
    for name in HEADERS:
        frame = pd.read_csv(extract / f"{name}.csv", dtype=str, keep_default_na=False)
        frame.to_parquet(parquet / f"{name}.parquet", index=False)
    import_extract(extract, tmp_path / "from_csv", now=NOW)
    import_extract(parquet, tmp_path / "from_parquet", now=NOW)
    assert store_rows(tmp_path / "from_csv") == store_rows(tmp_path / "from_parquet")


def test_a_failure_between_staging_and_switch_leaves_the_store_as_it_was(extract, tmp_path):
    store = tmp_path / "a"
    import_extract(extract, store, now=NOW)
    before = store_rows(store)
    later = write_extract(
        tmp_path / "later", {**GOOD, "people": [*GOOD["people"], ["P9", "X", "", "Y", "", "", "", "", "", ""]]}
    )

    def fail(_staging):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        import_extract(later, store, now=NOW, before_switch=fail)
    assert store_rows(store) == before
    import_extract(later, store, now=NOW)
    assert len(store_rows(store)["people"]) == 4


def test_an_import_killed_with_sigkill_leaves_the_store_as_it_was_and_a_rerun_completes(extract, tmp_path):
    store = tmp_path / "a"
    import_extract(extract, store, now=NOW)
    before = store_rows(store)
    later = write_extract(
        tmp_path / "later", {**GOOD, "people": [*GOOD["people"], ["P9", "X", "", "Y", "", "", "", "", "", ""]]}
    )
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from upstream_analytics.records.importer import import_extract
        def die(staging):
            assert any(staging.iterdir())  # the new version is fully written in staging
            os.kill(os.getpid(), signal.SIGKILL)
        import_extract(Path({str(later)!r}), Path({str(store)!r}), before_switch=die)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, env={**os.environ}, timeout=120)
    assert done.returncode == -signal.SIGKILL
    assert any((store / "records" / "staging").iterdir())  # the half-finished import's leftovers
    assert store_rows(store) == before
    import_extract(later, store, now=NOW)
    assert len(store_rows(store)["people"]) == 4
    assert not any((store / "records" / "staging").iterdir())
