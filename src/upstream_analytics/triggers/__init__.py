"""Triggers and repeat demand: transparent rules over the records store, the same on DuckDB and Spark."""
