"""`upstream records generate`, then `import`, then `link`: the outputs the next issue builds on."""

from __future__ import annotations

from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

# Ibis 12 reads Parquet through a DuckDB call that DuckDB 2 marks deprecated; theirs, not ours.


@pytest.mark.django_db  # the run is recorded, and reviewers' decisions are read, in the database
def test_generate_import_link_writes_resolved_people_households_and_the_review_queue(tmp_path, settings):
    extract = tmp_path / "extract"
    call_command("records", "generate", "--people", "1500", "--years", "3", "--seed", "4", "--out", str(extract),
                 stdout=StringIO())  # fmt: skip
    assert (extract / "truth" / "person_truth.csv").exists()
    call_command("records", "import", str(extract), stdout=StringIO())
    out = StringIO()
    call_command("records", "link", "--out", str(tmp_path / "run"), stdout=out)
    assert "person records resolved to" in out.getvalue()
    resolved = pd.read_csv(tmp_path / "run" / "people_resolved.csv", dtype=str)
    assert list(resolved.columns) == ["person_id", "resolved_person_id"]
    people = pd.read_csv(extract / "people.csv", dtype=str)
    assert set(resolved["person_id"]) == set(people["person_id"])
    assert resolved["resolved_person_id"].nunique() < len(resolved)  # duplicates were found
    households = pd.read_csv(tmp_path / "run" / "households.csv", dtype=str)
    assert list(households.columns) == ["resolved_person_id", "household_id", "from", "to"]
    assert set(households["resolved_person_id"]) <= set(resolved["resolved_person_id"])
    review = pd.read_csv(tmp_path / "run" / "clerical_review.csv")
    assert list(review.columns) == ["person_id_l", "person_id_r", "match_probability"]
    assert review["match_probability"].between(0.5, 0.9, inclusive="left").all()


@pytest.mark.django_db
def test_link_before_any_import_says_what_to_do():
    with pytest.raises(CommandError, match=r"run `upstream records import` first"):
        call_command("records", "link", stdout=StringIO())


def test_generate_refuses_nonsense_sizes(tmp_path):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("records", "generate", "--people", "0", "--out", str(tmp_path), stdout=StringIO())
