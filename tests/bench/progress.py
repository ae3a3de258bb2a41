"""What a benchmark tells while it runs: a line, or a percentage, on stderr (stdout is for the
tables)."""

from __future__ import annotations

import sys
from time import perf_counter


class Progress:
    """A percentage line on stderr (no progress-bar library is a dependency of the project)."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.start = perf_counter()
        self.tty = sys.stderr.isatty()
        self._shown = -1

    def update(self, n: int = 1) -> None:
        self.done += n
        pct = 100 * self.done // max(self.total, 1)
        step = pct if self.tty else pct // 10 * 10  # a line per 10 % when logged to a file
        if step != self._shown:
            self._shown = step
            self._print(pct)

    def _print(self, pct: int) -> None:
        elapsed = perf_counter() - self.start
        line = f"  {self.label}: {pct:3d}% ({self.done:,}/{self.total:,}) {elapsed:6.1f} s"
        if self.tty:
            print(f"\r{line}", end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def close(self) -> float:
        elapsed = perf_counter() - self.start
        if self.tty:
            print(file=sys.stderr, flush=True)
        return elapsed


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
