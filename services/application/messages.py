"""The mails, rendered from templates: a text part always, an HTML part beside it."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.domain.flow import FlowConfig, Team
from services.domain.mail import Mail
from services.domain.standing import promises, standing, team_time
from services.domain.threading import TICKET_HEADER, subject_tag
from services.domain.ticket import Ticket


@functools.cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("services.application", "templates/mail"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, subject: str, to: tuple[str, ...], **context: Any) -> Mail:
    env = _env()
    return Mail(
        to=to,
        subject=subject,
        text=env.get_template(f"{name}.txt").render(**context),
        html=env.get_template(f"{name}.html").render(**context),
        headers={
            # RFC 3834: other robots must not answer these (no vacation-reply loops).
            "Auto-Submitted": "auto-generated",
            TICKET_HEADER: str(context["ticket"].number),
        },
    )


def requester_acknowledgement(ticket: Ticket, flow: FlowConfig, status_link: str) -> Mail:
    """Said as the ticket stands when the mail is sent (triage may have run already), with
    what its type promises."""
    team = flow.team
    return _render(
        "ack_requester",
        f"{subject_tag(team.name, ticket.number)} Received: {ticket.title}",
        (ticket.requester.email,),
        ticket=ticket,
        team=team,
        status_link=status_link,
        standing=standing(ticket, flow),
        promise=promises(flow.ticket_type(ticket.type), flow.calendar),
    )


def team_acknowledgement(ticket: Ticket, flow: FlowConfig, base_url: str) -> Mail:
    team = flow.team
    return _render(
        "ack_team",
        f"{subject_tag(team.name, ticket.number)} New {ticket.type} ticket: {ticket.title}",
        (team.mail_list,),
        ticket=ticket,
        team=team,
        base_url=base_url.rstrip("/"),
        standing=standing(ticket, flow, to_team=True),
        filed_at=team_time(ticket.created_at, flow.calendar),
    )


def notice(
    ticket: Ticket,
    team: Team,
    to: tuple[str, ...],
    *,
    subject: str,
    greeting: str,
    headline: str,
    lines: list[str] | None = None,
    items: list[str] | None = None,
    link: str | None = None,
    link_label: str = "The ticket",
    about_ticket: bool = True,
    copied: bool = False,
) -> Mail:
    """Every mail after the acknowledgement: one shape, worded by the caller. Without
    `about_ticket`, nothing of the ticket but its number (a mail to a stranger); `copied`: to
    a watcher, who may not write to the ticket (its link takes them off instead)."""
    tag = subject_tag(team.name, ticket.number)
    return _render(
        "notice",
        f"{tag} {subject}",
        to,
        ticket=ticket,
        team=team,
        tag=tag,
        greeting=greeting,
        headline=headline,
        lines=[line for line in lines or [] if line],
        items=items or [],
        link=link,
        link_label=link_label,
        about_ticket=about_ticket,
        copied=copied,
    )
