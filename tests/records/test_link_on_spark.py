"""`upstream records link --engine spark` (Splink on Spark local mode) writes what DuckDB writes, decisions included."""

from __future__ import annotations

from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command

from upstream.records import services
from upstream.records.models import Decision, LinkRun, RunStatus

pytestmark = pytest.mark.spark


def _read(folder, name):
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def test_spark_resolves_the_same_people_and_households_as_duckdb_and_applies_decisions(
    linked, review_pairs, analyst, tmp_path
):
    # One reviewer's decision, so both engines must also agree on how decisions change the answer.
    left, right = review_pairs.iloc[0]["person_id_l"], review_pairs.iloc[0]["person_id_r"]
    services.decide_pair(actor=analyst, person_id_l=left, person_id_r=right, decision=Decision.MATCH)
    call_command("records", "link", "--out", str(tmp_path / "duckdb"), stdout=StringIO())
    out = StringIO()
    call_command("records", "link", "--engine", "spark", "--out", str(tmp_path / "spark"), stdout=out)
    assert "1 reviewers' decisions applied" in out.getvalue()
    for name in ("people_resolved", "households"):
        pd.testing.assert_frame_equal(_read(tmp_path / "duckdb", name), _read(tmp_path / "spark", name), obj=name)
    facts = [pd.read_parquet(tmp_path / engine / "person_facts.parquet") for engine in ("duckdb", "spark")]
    pd.testing.assert_frame_equal(*facts, check_dtype=False, obj="person_facts")
    resolved = _read(tmp_path / "spark", "people_resolved").set_index("person_id")["resolved_person_id"]
    assert resolved[left] == resolved[right]
    for name in ("clerical_review", "links"):
        duck, spark = _read(tmp_path / "duckdb", name), _read(tmp_path / "spark", name)
        assert (
            duck[["person_id_l", "person_id_r"]].to_numpy().tolist()
            == spark[["person_id_l", "person_id_r"]].to_numpy().tolist()
        )
        probabilities = pd.to_numeric(duck["match_probability"]), pd.to_numeric(spark["match_probability"])
        pd.testing.assert_series_equal(*probabilities, check_exact=False, rtol=1e-6, check_names=False)
    runs = LinkRun.objects.order_by("pk")
    assert [(r.engine, r.status) for r in runs] == [("duckdb", RunStatus.FINISHED), ("spark", RunStatus.FINISHED)]
