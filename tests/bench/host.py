"""The machine a benchmark ran on, for its results."""

from __future__ import annotations

import contextlib
import os
from typing import Any


def machine() -> dict[str, Any]:
    import platform
    from importlib.metadata import version

    cpu = platform.processor()
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), cpu)
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("moto", "pynamodb", "botocore")},
    }
