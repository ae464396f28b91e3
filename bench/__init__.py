"""Benchmarks: `python -m bench.<name>`; each prints progress and ends with one JSON line of figures."""
