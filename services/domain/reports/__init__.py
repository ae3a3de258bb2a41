"""Reports: aging, bottlenecks, flow, throughput, SLA compliance, WIP, a forecast and the
staff-meeting agenda, computed from the open tickets and the events of a window (pure: the
scheduler reads, renders and stores them)."""

from .build import DEFAULT_DAYS, KINDS, build_report, finished_numbers, period_of, window
from .model import Report

__all__ = [
    "DEFAULT_DAYS",
    "KINDS",
    "Report",
    "build_report",
    "finished_numbers",
    "period_of",
    "window",
]
