"""The statistics every report figure uses, defined once so a number can be checked by hand.

- median: the middle value, or the mean of the two middle ones (statistics.median).
- percentile p: nearest rank, the smallest value with at least p % of the values at or below
  it ("85 % of tickets took at most this long"), so it is always a value that happened.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def days(seconds: float) -> float:
    return round(seconds / 86400, 2)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def day_end(day: date) -> datetime:
    return day_start(day + timedelta(days=1))
