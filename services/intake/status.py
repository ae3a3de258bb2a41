"""What a requester with a status link may see."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, url_for

from services.domain.actors import Actor
from services.domain.errors import TicketNotFound
from services.domain.events import Event
from services.domain.ticket import Ticket
from services.domain.timers import sla_states
from services.domain.tokens import status_link, token_matches

from . import decoy
from .attachment_views import requester_files, staff_files
from .views import StaffTicketView, TicketView


def status_url(number: int, token: str) -> str:
    return status_link(current_app.extensions["rtflow"].settings.base_url, number, token)


def ticket_for_token(number: int, token: str | None) -> Ticket:
    """The ticket if `token` is its status token; TicketNotFound otherwise, whichever is wrong,
    after the same work either way (decoy.py)."""
    try:
        ticket = current_app.extensions["rtflow"].tickets.get(number)
    except TicketNotFound:
        decoy.as_if_found(token)
        raise
    decoy.remember(ticket)
    if not token_matches(token, ticket.token_digest):
        raise TicketNotFound(number)
    return ticket


def requester_by_token(number: int, token: str | None) -> Actor:
    """The requester of ticket `number`, acting by its status token; TicketNotFound if the
    token is not the ticket's."""
    ticket = ticket_for_token(number, token)
    return Actor.requester(ticket.requester.email, ticket.requester.name)


def requester_view(number: int, token: str | None) -> TicketView:
    ticket = ticket_for_token(number, token)
    history = current_app.extensions["rtflow"].tickets.history(number)
    view = TicketView.of(ticket, history)
    return view.model_copy(
        update={"attachments": requester_files(history, file_url(number, token))}
    )


def staff_view(
    number: int, ticket: Ticket | None = None, history: list[Event] | None = None
) -> StaffTicketView:
    """The whole ticket for staff, its SLA clocks computed from its events at this moment
    (the ticket and history a change just left, or both read now)."""
    c = current_app.extensions["rtflow"]
    if ticket is None:
        ticket, history = c.tickets.get_with_history(number)
    elif history is None:
        history = c.tickets.history(number)
    view = StaffTicketView.of(ticket, history, sla_states(ticket, history, c.flow, c.clock.now()))
    return view.model_copy(update={"attachments": staff_files(history, file_url(number))})


def file_url(number: int, token: str | None = None) -> Callable[[str], str]:
    """A file's download link, by its id: the API's, with the status token for a requester."""
    base = current_app.extensions["rtflow"].settings.base_url.rstrip("/")

    def url(attachment_id: str) -> str:
        path = url_for("attachments.download_file", number=number, attachment_id=attachment_id)
        return base + path + (f"?token={token}" if token else "")

    return url
