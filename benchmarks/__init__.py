"""Upstream's benchmarks: `make bench` runs every benchmarks/bench_*.py; results go in docs/benchmarks.md."""
