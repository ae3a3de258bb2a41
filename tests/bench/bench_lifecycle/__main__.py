"""`python -m tests.bench.bench_lifecycle`: the results as JSON on stdout."""

import json
import sys

from .benchmark import run

json.dump(run(), sys.stdout, indent=2, default=str)
