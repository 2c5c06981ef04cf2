"""Reading police.uk files: every skipped row or file has a reason; the store switches whole or not at all."""

from __future__ import annotations

import gzip

import pyarrow.parquet as pq
import pytest
from places_fixtures import WEST_YORKSHIRE_JULY_2017, crime, store_crimes

from upstream_analytics.places.policeuk import POLICEUK_COLUMNS, force_key, read_street_csv
from upstream_analytics.places.store import CrimeStore

HEADER = ",".join(POLICEUK_COLUMNS)


def write(path, text, *, gz=False):
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_real_file_is_read_whole():
    result = read_street_csv(WEST_YORKSHIRE_JULY_2017)
    assert result.file_problem is None
    assert result.kept == 28537
    frame = result.frame
    assert int(frame["crime_id"].isna().sum()) == 5955  # ASB rows have no Crime ID
    assert int(frame["lsoa_code"].isna().sum()) == 1541
    assert set(frame["force_key"]) == {"west-yorkshire"}


def test_force_names_match_however_written():
    assert force_key("West Yorkshire Police") == force_key("west yorkshire") == "west-yorkshire"
    assert force_key("Devon & Cornwall Police") == "devon-cornwall"


def test_an_unexpected_header_refuses_the_file_and_says_why(tmp_path):
    path = write(tmp_path / "bad.csv", "Crime ID,Month,Crime category\nx,2024-01,Burglary\n")
    result = read_street_csv(path)
    assert result.frame is None
    assert "unexpected header" in result.file_problem
    assert "'Crime type'" in result.file_problem
    assert "'Crime category'" in result.file_problem


@pytest.mark.parametrize(("text", "problem"), [("", "empty file (no header)"), (HEADER + "\n", "header only")])
def test_empty_files_are_skipped_with_a_reason(tmp_path, text, problem):
    result = read_street_csv(write(tmp_path / "empty.csv.gz", text, gz=True))
    assert problem in result.file_problem


def test_rows_outside_the_months_are_counted_by_reason(tmp_path):
    lines = [
        "a,2024-01,WY,West Yorkshire Police,-1.5,53.8,On or near X,E01000001,X 001A,Burglary,,",
        "b,2024-02,WY,West Yorkshire Police,-1.5,53.8,On or near X,E01000001,X 001A,Burglary,,",
        "c,2024-03,WY,West Yorkshire Police,-1.5,53.8,On or near X,E01000001,X 001A,Burglary,,",
        "d,July 2024,WY,West Yorkshire Police,-1.5,53.8,On or near X,E01000001,X 001A,Burglary,,",
        ",2024-02,WY,West Yorkshire Police,,,No location,,,Anti-social behaviour,,",
    ]
    path = write(tmp_path / "2024-street.csv", HEADER + "\n" + "\n".join(lines) + "\n")
    result = read_street_csv(path, first_month="2024-02", last_month="2024-02")
    assert result.kept == 2
    assert dict(result.skipped_rows) == {
        "month before 2024-02": 1,
        "month after 2024-02": 1,
        "month not written YYYY-MM": 1,
    }
    asb = result.frame[result.frame["crime_type"] == "Anti-social behaviour"].iloc[0]
    assert asb["crime_id"] is None
    assert asb["lsoa_code"] is None


def count_rows(store):
    return sum(pq.read_metadata(p.path).num_rows for p in store.partitions())


def test_reimporting_a_month_replaces_it(tmp_path):
    store_crimes(tmp_path, [crime("2024-01", "L1"), crime("2024-02", "L1")])
    store = store_crimes(tmp_path, [crime("2024-02", "L1"), crime("2024-02", "L2"), crime("2024-02", "L3")])
    assert [(p.reported_by_key, p.month) for p in store.partitions()] == [
        ("west-yorkshire", "2024-01"),
        ("west-yorkshire", "2024-02"),
    ]
    assert count_rows(store) == 1 + 3
    assert len(list(store.versions.iterdir())) == 1  # the old version is gone


def test_a_failure_while_staging_leaves_the_old_data_in_place(tmp_path, monkeypatch):
    store = store_crimes(tmp_path, [crime("2024-01", "L1")])
    before = store.current()

    import upstream_analytics.places.store as store_module

    calls = {"n": 0}
    real_write = store_module.pq.write_table

    def fail_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(store_module.pq, "write_table", fail_on_second)
    with pytest.raises(OSError, match="disk full"):
        store_crimes(tmp_path, [crime("2024-01", "L1"), crime("2024-01", "L2"), crime("2024-02", "L1")])
    store = CrimeStore(tmp_path)
    assert store.current() == before
    assert count_rows(store) == 1
    assert [p.name for p in store.versions.iterdir()] == [before.name]  # no staging folder left behind
