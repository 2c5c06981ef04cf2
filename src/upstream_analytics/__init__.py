"""Upstream's analytics: pure functions on Ibis tables, the same answer on DuckDB and on Spark.

Nothing here imports Django (an import-linter contract enforces it), so the same code runs in the web
app's background tasks, from the command line and on a Spark cluster.
"""
