"""The records store: importing POLE extracts into versioned Parquet, read with DuckDB or Spark."""
