"""Benchmarks, not tests: they measure and report, never assert on timings.

One module or package per benchmark, named bench_*, with the helpers they share beside them
(progress, tables, host); no file here is named test_*, so pytest collects none of it. Run
them with `make bench` (`python -m tests.bench.run`). Tables go to stdout, results to
.bench/results.json.
"""
