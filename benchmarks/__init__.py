"""Benchmark scripts: what they measure is in each module's docstring and in README.md."""
