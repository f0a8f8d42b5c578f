"""Benchmarks, one module per area; see bot/cli/bench.py."""
