"""A team's business calendar: when the SLA clock runs and what "N working days" means.

SLAs are promised in business hours, so the clock stops at night, at weekends and on holidays.
Working hours are wall-clock times in the team's own time zone, so every computation walks local
days and turns each day's opening hours into aware datetimes: a working day keeps its 8 hours
across a daylight-saving change. Arithmetic is done in UTC, because subtracting two datetimes
that share a tzinfo compares wall clocks and would be an hour off on those days.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # in date.weekday() order
_ONE_DAY = timedelta(days=1)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: some platforms answer a directory such as "Europe" with IsADirectoryError.
        raise ValueError(f"unknown time zone {name!r}") from None


def _require_aware(value: datetime, name: str) -> datetime:
    """The product stores aware UTC; a naive datetime is a bug upstream, not a local time."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


class Calendar(BaseModel):
    """Working days and hours in a time zone, plus holidays (local dates with no working hours).

    Hours are one span per day (start < end): overnight shifts are out of scope. A wall time
    that a DST change skips or repeats resolves as zoneinfo does by default (fold=0), which
    never matters for office hours in zones that change at night.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "UTC"
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    start: time = time(9, 0)
    end: time = time(17, 0)
    holidays: tuple[date, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        _zone(value)
        return value

    @field_validator("working_days")
    @classmethod
    def _known_days(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("a calendar needs at least one working day")
        unknown = [day for day in value if day not in DAY_NAMES]
        if unknown:
            raise ValueError(
                f"unknown day name(s) {', '.join(map(repr, unknown))}; use {', '.join(DAY_NAMES)}"
            )
        if len(set(value)) != len(value):
            raise ValueError("a working day is listed twice")
        return value

    @model_validator(mode="after")
    def _hours_in_order(self) -> Calendar:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are local times: give them without a time zone")
        if self.start >= self.end:
            raise ValueError(
                f"working hours must start before they end, got {self.start:%H:%M}-{self.end:%H:%M}"
            )
        return self

    @property
    def working_seconds_per_day(self) -> float:
        """Nominal length of a working day; what a "d" means in a business-hours SLA."""
        return (
            datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)
        ).total_seconds()

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Working seconds in [start, end): the time an SLA clock has run. 0 if end <= start."""
        start, end = _require_aware(start, "start"), _require_aware(end, "end")
        if end <= start:
            return 0.0
        total = timedelta()
        for opens, closes in self._windows(start.astimezone(_zone(self.timezone)).date()):
            if opens >= end:
                break
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        return total.total_seconds()

    def add_business_seconds(self, start: datetime, seconds: float) -> datetime:
        """When `seconds` working seconds have passed since `start`: an SLA deadline, in UTC.

        Outside working hours the count begins at the next opening. The result is the earliest
        such moment, so a full day's budget from 09:00 ends at 17:00 that day, not 09:00 the next.
        `seconds == 0` returns `start` itself (in UTC), even outside working hours.
        """
        start = _require_aware(start, "start")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        remaining = timedelta(seconds=seconds)
        if not remaining:
            return start
        for opens, closes in self._windows(start.astimezone(_zone(self.timezone)).date()):
            begin = max(opens, start)
            available = closes - begin
            if available <= timedelta():
                continue
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable: _windows never ends")  # pragma: no cover

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time of day `days` working days later, in UTC: "remind in 3 working days".

        Days are counted after start's local date, so from a Saturday one working day is Monday.
        """
        start = _require_aware(start, "start")
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        if days == 0:
            return start
        zone = _zone(self.timezone)
        local = start.astimezone(zone)
        day = local.date()
        for _ in range(days):
            day += _ONE_DAY
            while not self._is_working_day(day):
                day += _ONE_DAY
        return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)

    def _is_working_day(self, day: date) -> bool:
        return DAY_NAMES[day.weekday()] in self.working_days and day not in self.holidays

    def _windows(self, first_day: date) -> Iterator[tuple[datetime, datetime]]:
        """Each working day's opening hours from first_day on, as (opens, closes) in UTC."""
        zone = _zone(self.timezone)
        day = first_day
        while True:
            if self._is_working_day(day):
                opens = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
                closes = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
                yield opens, closes
            day += _ONE_DAY


_PART = re.compile(r"\s*([0-9]+)\s*([smhdw])\s*")
_HINT = "use e.g. 30m, 4h, 2d"


def parse_duration(text: str, calendar: Calendar | None = None) -> float:
    """Seconds in a duration such as "90s", "45m", "4h", "2d", "1d 4h" or "1w".

    With a calendar the duration is an amount of business time: "d" is one working day
    (calendar.working_seconds_per_day) and "w" is 5 working days, so "2d" on 9-17 is 16 h of
    clock that runs only in working hours. Without one, "d" is 24 h and "w" 7 days.
    """
    day = calendar.working_seconds_per_day if calendar is not None else 86_400.0
    week = 5 * day if calendar is not None else 7 * day
    units = {"s": 1.0, "m": 60.0, "h": 3_600.0, "d": day, "w": week}
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{text!r} is not a duration: {_HINT}")
    total, seen, position = 0.0, set(), 0
    while position < len(text):
        match = _PART.match(text, position)
        if match is None:
            raise ValueError(f"{text!r} is not a duration: {_HINT}")
        number, unit = match.groups()
        if unit in seen:
            raise ValueError(f"{text!r} gives {unit!r} twice: {_HINT}")
        seen.add(unit)
        total += int(number) * units[unit]
        position = match.end()
    return total
