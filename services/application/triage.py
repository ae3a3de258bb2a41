"""Triage: is the ticket complete, how complex is it, and who obviously owns it.

Runs on `ticket.filed` and `ticket.info-added`, and checks completeness again on a
`ticket.edited` that changed the type. Idempotent: only a ticket in `new` is triaged, and
only a triaged one is asked again, so a redelivered event finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.application.retry import retry_on_conflict
from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.errors import StaleVersion, WipLimitReached
from services.domain.events import Event
from services.domain.events.payloads import Edited, Filed
from services.domain.flow import FlowConfig, TicketType
from services.domain.lifecycle import Status
from services.domain.ports import Clock, TicketRepository
from services.domain.ticket import Change, Ticket
from services.domain.tool_tickets import label_skills
from services.domain.triage_rules import assess_complexity, incomplete_fields, route

TRIAGER = Actor.system("triage")


@dataclass(frozen=True)
class TriageDeps:
    tickets: TicketRepository
    flow: FlowConfig
    clock: Clock


def handle_event(event: Event, deps: TriageDeps) -> None:
    if event.kind == ev.TICKET_FILED and event.data.get("source") == "split":
        return  # sub-tickets are created triaged by the person who split the parent
    if event.kind in (ev.TICKET_FILED, ev.INFO_ADDED):
        labels = event.payload_as(Filed).labels if event.kind == ev.TICKET_FILED else {}
        triage(event.ticket, deps, labels=labels)
    if event.kind == ev.EDITED and "type" in event.payload_as(Edited).changes:
        retry_on_conflict(
            lambda: _recheck(event.ticket, deps), conflicts=(WipLimitReached, StaleVersion)
        )


def triage(number: int, deps: TriageDeps, labels: Mapping[str, list[str]] | None = None) -> None:
    """`labels`: a tool's labels of what it filed, for the skills of a type `from_tools`."""
    # Someone may take the owner's last slot, or change the ticket: decide again on fresh
    # data; the last attempt lets the queue retry.
    retry_on_conflict(
        lambda: _triage(number, deps, labels), conflicts=(WipLimitReached, StaleVersion)
    )


def _triage(number: int, deps: TriageDeps, labels: Mapping[str, list[str]] | None = None) -> None:
    # With its history: the routed ticket's timers are planned from it (planning.py).
    ticket, _ = deps.tickets.get_with_history(number)
    if ticket.status is not Status.NEW:
        return
    ticket_type = deps.flow.ticket_type(ticket.type)
    # A type that left the flow config has no requirements: a person decides.
    missing = (
        []
        if ticket_type is None
        else incomplete_fields(ticket.values(), ticket_type, deps.flow.triage)
    )
    now = deps.clock.now()
    if missing:
        change = ticket.request_info(now=now, missing=missing, actor=TRIAGER)
    else:
        change = _route(ticket, ticket_type, deps, now, labels or {})
    deps.tickets.save(ticket, change)


def _recheck(number: int, deps: TriageDeps) -> None:
    """A new type may require what the ticket lacks: complete it before anyone works on it.
    A new ticket is triaged as filed; a triaged one goes to the requester for what is
    missing. An owned ticket stays with its owner, who may ask (request-info) if need be."""
    ticket = deps.tickets.get(number)
    if ticket.status is Status.NEW:
        _triage(number, deps)
        return
    ticket_type = deps.flow.ticket_type(ticket.type)
    if ticket.status is not Status.TRIAGED or ticket_type is None:
        return
    missing = incomplete_fields(ticket.values(), ticket_type, deps.flow.triage)
    if missing:
        change = ticket.request_info(now=deps.clock.now(), missing=missing, actor=TRIAGER)
        deps.tickets.save(ticket, change)


def _route(
    ticket: Ticket,
    ticket_type: TicketType | None,
    deps: TriageDeps,
    now: datetime,
    labels: Mapping[str, list[str]],
) -> Change:
    complexity = assess_complexity(ticket.values(), deps.flow.triage, now.date())
    skills: tuple[str, ...] = ()
    owner, reason = None, "unknown ticket type: for the staff meeting"
    if ticket_type is not None:
        engineers = [m.id for m in deps.flow.members_with_role("engineer")]
        # A tool's ticket: its labels name its skills; when none does, its text.
        named = label_skills(labels, ticket_type, deps.flow) if ticket_type.from_tools else {}
        routing = route(
            ticket.values(),
            ticket_type,
            deps.flow,
            deps.tickets.open_counts(engineers),
            words=named or None,
        )
        skills, owner, reason = routing.skills, routing.owner, routing.reason
    return ticket.triage(
        now=now,
        actor=TRIAGER,
        complexity=complexity,
        skills=list(skills),
        owner=owner,
        routing=reason,
    )
