"""`make lint`'s size gate: no Python file of ours is longer than LIMIT lines.

A long file is a sign that it holds more than one concern; split it by concern, not by count.
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 400
ROOTS = ("services", "infra", "tests", "tools")


def too_long(root: Path) -> list[tuple[Path, int]]:
    found = []
    for top in ROOTS:
        for path in sorted((root / top).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                found.append((path.relative_to(root), lines))
    return found


def main() -> int:
    found = too_long(Path(__file__).resolve().parents[1])
    for path, lines in found:
        print(f"{path}: {lines} lines (the limit is {LIMIT}): split it by concern")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
