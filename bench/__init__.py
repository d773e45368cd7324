"""Benchmarks for ankigen (not installed with it): `python -m bench --help`."""
