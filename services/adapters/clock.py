from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class AdjustableClock:
    """The embedded stack's test clock: the real time plus an offset a person (or a test)
    moves with POST /dev/clock, so "postpone for three days" can be shown in seconds."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if seconds > 50 * 366 * 86400:
            raise ValueError("move at most fifty years at a time")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("give the time with its time zone")
        with self._lock:
            if moment < self.now():
                raise ValueError("the clock only moves forward")
            if moment.year > 9000:
                raise ValueError("that is too far ahead")
            self._offset = moment - datetime.now(UTC)
        return self.now()
