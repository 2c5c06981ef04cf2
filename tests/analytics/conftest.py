"""Fixtures for the analytics tests: one connection per engine for the whole run."""

from __future__ import annotations

import pytest

from upstream_analytics import engine


@pytest.fixture(scope="session")
def duckdb_con():
    """Returns an in-memory DuckDB connection shared by the run."""
    return engine.connect("duckdb")


@pytest.fixture(scope="session")
def spark_con():
    """Returns the run's one Spark connection (local mode): started once, as it costs ~15 s."""
    return engine.connect("spark")


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def con(request):
    """Returns each engine's connection in turn, so a test runs on DuckDB and on Spark."""
    return request.getfixturevalue(f"{request.param}_con")
