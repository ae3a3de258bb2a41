"""What a report holds: every figure, already computed, so the HTML page, the CSV and the JSON
say the same thing and a test can check the numbers without parsing any of them.

Units are in the field names: ages in days, durations in hours, both rounded to 0.01; days
are UTC dates (the window is a run of UTC days, as the events' by-day index keeps them).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TicketLine(_Model):
    """One open ticket as the lists show it. `title` is the requester's text: escape it."""

    number: int
    title: str
    type: str
    status: str
    owner: str | None
    age_days: float  # since it was filed
    in_state_days: float  # since it entered its current status
    note: str = ""


class AgeRow(_Model):
    name: str  # a status, an owner ("" for nobody) or a ticket type
    counts: tuple[int, ...]  # open tickets per age bucket, in Aging.buckets order
    total: int


class Aging(_Model):
    buckets: tuple[str, ...]
    by_status: tuple[AgeRow, ...]
    by_owner: tuple[AgeRow, ...]
    by_type: tuple[AgeRow, ...]
    oldest: tuple[TicketLine, ...]


class StateTime(_Model):
    """Completed stays in a status within the window (entered and left in it)."""

    state: str
    stints: int
    median_hours: float | None
    p85_hours: float | None


class Waiting(_Model):
    """Open tickets in a status now, and how long they have been in it."""

    state: str
    tickets: int
    median_hours: float | None
    p85_hours: float | None
    ticket_days: float  # the time all of them have waited there so far, added up


class CfdPoint(_Model):
    day: date
    at: datetime  # the end of the day, or the report's time for today
    counts: dict[str, int]  # band -> tickets


class Cfd(_Model):
    """Tickets per status at the end of each day of the window. `done` counts the tickets
    finished (resolved, closed, rejected) since the window began, less those reopened."""

    bands: tuple[str, ...]
    points: tuple[CfdPoint, ...]


class DayCount(_Model):
    day: date
    done: int


class TypeFlow(_Model):
    """Tickets that left the open queue in the window, and how long they took from filing."""

    type: str
    done: int
    resolved: int
    rejected: int
    per_week: float
    cycle_median_hours: float | None
    cycle_p85_hours: float | None


class SlaRow(_Model):
    """Tickets of a type filed in the window (their whole history is in it): how each
    target came out; `open` ones are still running or paused."""

    type: str
    target: str  # first_response | resolution
    tickets: int
    met: int
    breached: int
    open: int
    compliance_pct: float | None  # met / (met + breached)


class WipRow(_Model):
    member: str
    name: str
    wip: int  # open tickets they own (as the WIP counters count them)
    limit: int | None  # None: not a member of the flow config any more
    headroom: int | None
    over: bool
    by_status: dict[str, int]


class ForecastLine(_Model):
    scope: str  # "queue", or a member id
    name: str
    open: int
    history_days: int
    done_in_history: int
    mean_per_day: float
    p50_days: int | None
    p85_days: int | None
    p50: date | None
    p85: date | None
    note: str = ""  # why there is no date, or that it lies beyond the horizon


class Forecast(_Model):
    trials: int
    horizon_days: int
    queue: ForecastLine
    owners: tuple[ForecastLine, ...]


class Agenda(_Model):
    unowned: tuple[TicketLine, ...]
    escalated: tuple[TicketLine, ...]
    breaching: tuple[TicketLine, ...]


class Report(_Model):
    kind: str  # daily | weekly | adhoc
    period: str  # 2026-11-27, 2026-W48, or the day of an ad hoc report
    team: str
    generated_at: datetime
    window_start: datetime
    window_days: int
    open_tickets: int
    events_read: int
    # The open tickets could not all be read (a status held more than the reading limit):
    # every figure that counts them is low.
    truncated: bool = False
    aging: Aging
    time_in_state: tuple[StateTime, ...]
    waiting: tuple[Waiting, ...]
    cfd: Cfd
    daily_done: tuple[DayCount, ...]
    throughput: tuple[TypeFlow, ...]
    sla: tuple[SlaRow, ...]
    wip: tuple[WipRow, ...]
    forecast: Forecast
    agenda: Agenda
