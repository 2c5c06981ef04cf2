"""Connections to the two engines the analytics run on: DuckDB (embedded, default) and Apache Spark.

Every rule takes and returns Ibis tables; only this module knows which engine is underneath. Tests run the
same rules on both and compare the results row for row (:func:`to_sorted_records`).
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from ibis.backends import BaseBackend


class EngineName(StrEnum):
    """The engines Upstream's analytics run on."""

    DUCKDB = "duckdb"
    SPARK = "spark"


_spark_session: Any = None


def spark_session(master: str | None = None) -> Any:
    """Returns the process's Spark session, started once (local mode unless UPSTREAM_SPARK_MASTER says)."""
    global _spark_session  # noqa: PLW0603 - one JVM per process is Spark's own rule
    if _spark_session is None:
        from pyspark.sql import SparkSession

        builder = (
            SparkSession.builder.master(master or os.environ.get("UPSTREAM_SPARK_MASTER", "local[2]"))
            .appName("upstream")
            # Dates and times are compared in UTC on both engines, so a rule gives one answer.
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            # Tables Spark persists go to a scratch folder, never into the working directory.
            .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="upstream-spark-warehouse-"))
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tempfile.gettempdir()}")
            .config("spark.sql.shuffle.partitions", os.environ.get("UPSTREAM_SPARK_PARTITIONS", "4"))
            .config("spark.driver.memory", os.environ.get("UPSTREAM_SPARK_DRIVER_MEMORY", "4g"))
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
        )
        # Splink's string-similarity functions (Jaro-Winkler …) are Scala UDFs that must be on the classpath
        # when the JVM starts.
        from splink.backends.spark import similarity_jar_location

        builder = builder.config("spark.jars", similarity_jar_location())
        _spark_session = builder.getOrCreate()
        _spark_session.sparkContext.setLogLevel("ERROR")
    return _spark_session


def connect(engine: EngineName | str = EngineName.DUCKDB, *, database: Path | str | None = None) -> BaseBackend:
    """Returns an Ibis connection to the named engine (DuckDB in memory or in a file; Spark local or cluster)."""
    name = EngineName(engine)
    if name is EngineName.DUCKDB:
        return ibis.duckdb.connect(str(database) if database else ":memory:")
    return ibis.pyspark.connect(spark_session())


def read_parquet(con: BaseBackend, path: Path | str, *, table_name: str | None = None) -> ibis.Table:
    """Returns a Parquet file or folder of files as a table on the given engine."""
    return con.read_parquet(str(path), table_name=table_name)


def to_sorted_records(con: BaseBackend, table: ibis.Table) -> list[dict[str, Any]]:
    """Returns a table's rows as plain dicts, sorted on every column, so two engines can be compared."""
    frame: pd.DataFrame = con.execute(table)
    columns = list(frame.columns)
    frame = frame.sort_values(columns, kind="mergesort", na_position="first").reset_index(drop=True)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")
