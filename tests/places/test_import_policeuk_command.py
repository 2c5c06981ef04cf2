"""`upstream places import-policeuk`: clear counts, skipped files and rows with reasons, idempotent."""

from __future__ import annotations

import gzip
from io import StringIO

import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from upstream_analytics.places.policeuk import POLICEUK_COLUMNS
from upstream_analytics.places.store import CrimeStore

pytestmark = pytest.mark.django_db

REAL = "/work/shared/data/policeuk/2017-07-west-yorkshire-street.csv.gz"
HEADER = ",".join(POLICEUK_COLUMNS)


def import_policeuk(*args):
    out = StringIO()
    call_command("places", "import-policeuk", *map(str, args), stdout=out)
    return out.getvalue()


def stored_rows():
    return sum(pq.read_metadata(p.path).num_rows for p in CrimeStore(settings.ANALYTICS_DIR).partitions())


def test_the_real_file_is_imported_with_counts():
    output = import_policeuk(REAL)
    assert "Imported 28,537 rows in 1 force-months" in output
    assert "West Yorkshire Police 2017-07: 28,537 rows, of which 5,955 ASB and 1,541 with no LSOA." in output
    assert stored_rows() == 28537


def test_importing_the_same_month_twice_replaces_it():
    import_policeuk(REAL)
    output = import_policeuk(REAL)
    assert "(replaces the earlier import)" in output
    assert stored_rows() == 28537


def test_bad_files_are_skipped_with_reasons_and_the_rest_imported(tmp_path):
    bad = tmp_path / "2017-08-west-yorkshire-street.csv"
    bad.write_text("Crime ID,Month,Crime category\n", encoding="utf-8")
    empty = tmp_path / "2017-09-west-yorkshire-street.csv.gz"
    with gzip.open(empty, "wt") as handle:
        handle.write(HEADER + "\n")
    output = import_policeuk(REAL, bad, empty, "--from", "2017-07", "--to", "2017-07")
    assert "2017-08-west-yorkshire-street.csv: skipped, unexpected header" in output
    assert "2017-09-west-yorkshire-street.csv.gz: skipped, empty file (header only)" in output
    assert "Skipped 2 files" in output
    assert stored_rows() == 28537


def test_strict_imports_nothing_when_a_file_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("nonsense\n1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported \\(--strict\\)"):
        import_policeuk(REAL, bad, "--strict")
    assert CrimeStore(settings.ANALYTICS_DIR).partitions() == []


def test_months_outside_the_range_are_counted_and_nothing_left_is_an_error():
    with pytest.raises(CommandError, match=r"Nothing imported: no rows to keep\. 28,537 rows: month before 2018-01"):
        import_policeuk(REAL, "--from", "2018-01")
    assert CrimeStore(settings.ANALYTICS_DIR).partitions() == []


def test_a_missing_file_says_what_to_give(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        import_policeuk(tmp_path / "nope.csv")


def test_lsoas_not_in_the_loaded_boundaries_are_counted(calderdale):
    output = import_policeuk(REAL)
    # Calderdale's 128 LSOAs are loaded; every other LSOA in the West Yorkshire file is not.
    import csv
    import json

    from places_data import CALDERDALE_LSOAS

    with CALDERDALE_LSOAS.open() as handle:
        calderdale_codes = {f["properties"]["LSOA11CD"] for f in json.load(handle)["features"]}
    with gzip.open(REAL, "rt", encoding="utf-8") as handle:
        others = [r["LSOA code"] for r in csv.DictReader(handle) if r["LSOA code"]]
    others = [code for code in others if code not in calderdale_codes]
    assert f"{len(others):,} rows name {len(set(others)):,} LSOAs that are not in the loaded boundaries" in output
    assert stored_rows() == 28537
