"""Shared machinery of the benchmarks in ``bench/`` (not a benchmark itself)."""
