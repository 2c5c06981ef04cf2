"""Splink's DuckDB and Spark backends give the same clusters with the saved model."""

from __future__ import annotations

import ibis
import pytest

from upstream_analytics.generator import generate
from upstream_analytics.linkage import model, standardise


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_backends_resolve_a_small_extract_to_the_same_people(duckdb_con, spark_con):
    extract = generate(400, 3, seed=2)
    nicknames = ibis.memtable(standardise.nicknames_frame())
    records = duckdb_con.execute(
        standardise.standardise_people(ibis.memtable(extract.people), ibis.memtable(extract.locations), nicknames)
    )
    on_duckdb = model.predict(records, engine="duckdb").clusters
    on_spark = model.predict(records, engine="spark").clusters
    assert on_duckdb["resolved_person_id"].nunique() < len(on_duckdb)  # some records were linked
    assert on_duckdb.sort_values("person_id").values.tolist() == on_spark.sort_values("person_id").values.tolist()
