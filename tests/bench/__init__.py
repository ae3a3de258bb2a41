"""Benchmarks, not tests: they measure and report, never assert on timings.

Files are named bench_*.py so pytest does not collect them; run them with `make bench`
(`python -m tests.bench.run`). Tables go to stdout, results to .bench/results.json.
"""
