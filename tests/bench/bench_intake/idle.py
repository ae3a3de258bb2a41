"""The CPU a running stack uses while nothing asks anything of it: utime + stime from
/proc/<pid>/stat (every thread of the process), before and after a quiet spell."""

from __future__ import annotations

import os
import time
from time import perf_counter
from typing import Any

IDLE_SECONDS = 20.0


def cpu_ticks(stat: str) -> int:
    """utime + stime, in clock ticks, from the text of /proc/<pid>/stat. The command name (the
    second field) is in parentheses and may hold spaces or parentheses itself, so the fields
    are counted from the last ")": utime and stime are the 14th and 15th of the line."""
    rest = stat[stat.rindex(")") + 2 :].split()
    return int(rest[11]) + int(rest[12])  # rest[0] is the 3rd field, the state


def percent_of_core(cpu_seconds: float, wall_seconds: float) -> float:
    return round(100 * cpu_seconds / wall_seconds, 2)


def read_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        return cpu_ticks(f.read()) / os.sysconf("SC_CLK_TCK")


def idle_cpu(pid: int, seconds: float = IDLE_SECONDS) -> dict[str, Any]:
    """The process's CPU over `seconds` of quiet (nothing sent to it meanwhile)."""
    cpu0, t0 = read_cpu_seconds(pid), perf_counter()
    time.sleep(seconds)
    cpu, wall = read_cpu_seconds(pid) - cpu0, perf_counter() - t0
    return {
        "seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 2),
        "percent_of_core": percent_of_core(cpu, wall),
    }
