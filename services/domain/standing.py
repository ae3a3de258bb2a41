"""What people are told of a ticket, true at the moment they are told: where it stands (by
status, the owner by name), what its type promises (its SLA targets, in words), and times in
the team's own time zone, named. Mails and pages say the same sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .calendar import Calendar
from .flow import FlowConfig, TicketType
from .lifecycle import FINISHED, Status
from .ticket import Ticket

_UNIT_WORDS = {"s": "second", "m": "minute", "h": "hour", "w": "week"}
_PART = re.compile(r"\s*(\d+)\s*([smhdw])")


def team_time(at: datetime, calendar: Calendar) -> str:
    """`at` on the team's clock, the zone named: "2027-02-03 09:00 CET"."""
    local = at.astimezone(ZoneInfo(calendar.timezone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or calendar.timezone}"


def _duration_words(text: str, business: bool) -> str:
    parts = []
    for number, unit in _PART.findall(text):
        n = int(number)
        word = ("working day" if business else "day") if unit == "d" else _UNIT_WORDS[unit]
        if unit == "w" and business:
            word = "working week"
        parts.append(f"{n} {word}{'' if n == 1 else 's'}")
    return " ".join(parts) or text


@dataclass(frozen=True)
class Promise:
    """A ticket type's SLA targets in words, and how their clock counts."""

    targets: tuple[str, ...]
    clock: str


def promises(ticket_type: TicketType | None, calendar: Calendar) -> Promise | None:
    """What a ticket of this type is promised; None without an SLA."""
    sla = ticket_type.sla if ticket_type else None
    if sla is None or not (sla.first_response or sla.resolution):
        return None
    business = sla.business_hours
    targets = []
    if sla.first_response:
        targets.append(f"a first answer within {_duration_words(sla.first_response, business)}")
    if sla.resolution:
        targets.append(f"resolved within {_duration_words(sla.resolution, business)}")
    if not business:
        return Promise(tuple(targets), "counted around the clock")
    days = ", ".join(d.title() for d in calendar.working_days)
    hours = f"{calendar.start:%H:%M}–{calendar.end:%H:%M} {calendar.timezone}"
    return Promise(tuple(targets), f"counted in working hours: {days}, {hours}")


def owner_name(ticket: Ticket, flow: FlowConfig) -> str:
    member = flow.member(ticket.owner) if ticket.owner else None
    return member.name if member else (ticket.owner or "")


def standing(ticket: Ticket, flow: FlowConfig, *, to_team: bool = False) -> str:
    """Where the ticket stands now, in one sentence, for the requester or for the team."""
    status, owner = ticket.status, owner_name(ticket, flow)
    missing = ", ".join(f.replace("_", " ") for f in ticket.missing)
    if status is Status.NEW:
        return (
            "It waits for triage."
            if to_team
            else "Triage looks at it next: if something is missing we will ask you for it."
        )
    if status is Status.NEEDS_INFO:
        return (
            f"Triage asked the requester for: {missing}."
            if to_team
            else f"Triage needs more before the team can start ({missing}): a separate mail"
            " asks you for it."
        )
    if status is Status.TRIAGED:
        return (
            "Triage found it complete; nobody owns it yet (it is on the staff-meeting agenda)."
            if to_team
            else "Triage found it complete; it waits for an engineer to take it."
        )
    if status is Status.ASSIGNED:
        return f"{owner} owns it." if to_team else f"{owner} has it and will start on it."
    if status is Status.IN_PROGRESS:
        return f"{owner} is working on it."
    if status is Status.POSTPONED and ticket.postponed_until:
        return f"It is postponed until {team_time(ticket.postponed_until, flow.calendar)}."
    if status in FINISHED:
        return f"It is {status.value} already."
    return f"Its status is {status.value}."
