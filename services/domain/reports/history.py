"""Reading status changes out of the window's events.

A status change carries data["from"] and data["to"] (Ticket._change); a filing puts the
ticket in its first status. Events of one ticket written in the same instant (a fixed test
clock, a triage that assigns at once) are put in the order their statuses chain: the change
that leaves the status the ticket is in comes next.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..events import TICKET_FILED, Event
from ..lifecycle import OPEN, Status

FINISHED_NAMES = frozenset(s.value for s in Status if s not in OPEN)
OPEN_NAMES = frozenset(s.value for s in OPEN)


def change(event: Event) -> tuple[str, str] | None:
    """(from, to) of a status change."""
    if "from" in event.data and "to" in event.data:
        frm, to = str(event.data["from"]), str(event.data["to"])
        if frm != to:
            return frm, to
    return None


def filed_into(event: Event) -> str | None:
    """The status a filing put the ticket in: a sub-ticket starts triaged, or assigned."""
    if event.kind != TICKET_FILED:
        return None
    if event.data.get("source") == "split":
        return Status.ASSIGNED.value if event.data.get("owner") else Status.TRIAGED.value
    return Status.NEW.value


def after(event: Event, state: str | None) -> str | None:
    entered = filed_into(event)
    if entered is not None:
        return entered
    moved = change(event)
    return moved[1] if moved else state


def is_completion(event: Event) -> bool:
    moved = change(event)
    return moved is not None and moved[0] in OPEN_NAMES and moved[1] in FINISHED_NAMES


def _chain(run: list[Event], state: str | None) -> list[Event]:
    rest, out = list(run), []
    while rest:
        pick = None
        if state is None:
            pick = next((e for e in rest if e.kind == TICKET_FILED), None)
            if pick is None:  # filed before the window: start where no other change leads
                targets = {m[1] for e in rest if (m := change(e))}
                pick = next((e for e in rest if (m := change(e)) and m[0] not in targets), None)
        else:
            pick = next((e for e in rest if (m := change(e)) and m[0] == state), None)
        pick = pick or rest[0]
        rest.remove(pick)
        out.append(pick)
        state = after(pick, state)
    return out


def ordered(events: Iterable[Event]) -> list[Event]:
    """One ticket's events in time order, same-instant ones in chain order."""
    events = sorted(events, key=lambda e: e.at)
    out: list[Event] = []
    state: str | None = None
    i = 0
    while i < len(events):
        j = i
        while j < len(events) and events[j].at == events[i].at:
            j += 1
        run = events[i:j] if j - i == 1 else _chain(events[i:j], state)
        for e in run:
            state = after(e, state)
        out.extend(run)
        i = j
    return out


def by_ticket(events: Sequence[Event]) -> dict[int, list[Event]]:
    grouped: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        grouped[e.ticket].append(e)
    return {number: ordered(evs) for number, evs in grouped.items()}
