"""Who hears what, for each event. At most one mail per event and recipient, however often
the queue delivers the event: the ledger is claimed before sending and released on failure."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from services.domain import events as ev
from services.domain.events import TICKET_FILED, Event
from services.domain.flow import FlowConfig
from services.domain.integrations import SOURCE_LABELS
from services.domain.mail import Mail, MailNotSent
from services.domain.ports import Clock, Mailer, MailLedger, TicketRepository
from services.domain.ticket import Ticket
from services.domain.tokens import status_link, status_token

from . import messages
from .acknowledge import acknowledge_filing


@dataclass(frozen=True)
class NotifyDeps:
    tickets: TicketRepository
    ledger: MailLedger
    mailer: Mailer
    flow: FlowConfig
    clock: Clock
    base_url: str
    secret_key: str


# What nobody hears of (follow_up_mails has no branch for them): no need to read the ticket.
# tests/unit/test_notify_integrations.py keeps this list true.
SILENT_KINDS = frozenset(
    {ev.TICKET_ACKNOWLEDGED, ev.INFO_ADDED, ev.STARTED, ev.SPLIT, ev.LINKED, ev.CONFIRMED}
)


def handle_event(event: Event, deps: NotifyDeps) -> None:
    if event.kind == TICKET_FILED and event.data.get("source") != "split":
        acknowledge_filing(
            event, deps, send_once
        )  # sub-tickets are the team's own: no acknowledgement
        return
    if event.kind in SILENT_KINDS:
        return
    ticket = deps.tickets.get(event.ticket)
    for mail in follow_up_mails(event, ticket, deps):
        send_once(event, mail, deps)


def _when(iso: str | None) -> str:
    if not iso:
        return "soon"
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")


def _member_id(actor_ref: str) -> str | None:
    kind, _, ident = actor_ref.partition(":")
    return ident if kind == "staff" else None


def _source_id(actor_ref: str) -> str | None:
    kind, _, ident = actor_ref.partition(":")
    return ident if kind == "source" else None


def follow_up_mails(event: Event, ticket: Ticket, deps: NotifyDeps) -> list[Mail]:
    """Who hears of an event: the requester of every public step that concerns them, the
    owner of what lands on them, the triagers of what nobody owns."""
    flow, team, d = deps.flow, deps.flow.team, event.data
    staff_link = f"{deps.base_url.rstrip('/')}/staff/tickets/{ticket.number}"
    actor = flow.member(_member_id(event.actor) or "")
    by = actor.name if actor else "triage"

    def requester(subject: str, headline: str, **kw) -> Mail:
        token = status_token(deps.secret_key, ticket.number, ticket.token_salt)
        kw.setdefault("link", status_link(deps.base_url, ticket.number, token))
        kw.setdefault("link_label", "Where your ticket stands")
        return messages.notice(
            ticket,
            team,
            (ticket.requester.email,),
            subject=subject,
            greeting=f"Hello {ticket.requester.name},",
            headline=headline,
            **kw,
        )

    def ask_for_missing(subject: str, opening: str) -> Mail:
        token = status_token(deps.secret_key, ticket.number, ticket.token_salt)
        return requester(
            f"{subject}: {ticket.title}",
            f"{opening} a little more before the team can start. Please add:",
            items=[f.replace("_", " ") for f in d.get("missing", [])],
            link=f"{deps.base_url.rstrip('/')}/tickets/{ticket.number}/info?token={token}",
            link_label="Add the missing information",
        )

    def staff(member_ids: list[str], subject: str, headline: str, **kw) -> list[Mail]:
        members = [m for m in (flow.member(i) for i in dict.fromkeys(member_ids)) if m]
        return [
            messages.notice(
                ticket,
                team,
                (m.email,),
                subject=subject,
                greeting=f"Hello {m.name},",
                headline=headline,
                link=staff_link,
                link_label="Open it in the console",
                **kw,
            )
            for m in members
        ]

    triagers = [m.id for m in flow.members_with_role("triager")]
    complexity = ticket.complexity
    sizing = [f"Complexity: {complexity.size}", *complexity.reasons] if complexity else []
    kind = event.kind

    owner_or_triagers = [ticket.owner] if ticket.owner else triagers
    if kind == ev.TICKET_FILED and d.get("owner"):  # a sub-ticket given to an engineer
        return staff(
            [d["owner"]],
            f"Assigned to you: {ticket.title}",
            f"{by} split ticket #{d.get('parent')} and gave you this part of it.",
        )
    if kind == ev.REOPENED:
        return staff(
            triagers,
            f"Reopened: {ticket.title}",
            f"{ticket.requester.name if event.actor.startswith('requester:') else by} reopened this ticket; it is {ticket.status} again.",
            lines=[f"Why: {d.get('reason', '')}"],
        )
    if kind == ev.REPLIED:
        woke = ""
        if d.get("woke"):
            woke = (
                " The ticket waited for information; it is back with the triagers (still"
                f" missing: {', '.join(d['missing']).replace('_', ' ')})."
                if d.get("missing")
                else " The ticket was postponed; it is back now."
            )
        return staff(
            owner_or_triagers,
            f"The requester wrote: {ticket.title}",
            f"{ticket.requester.name} wrote:{woke}",
            lines=[d.get("message", "")],
        )
    if kind == ev.POSTPONED and event.public:
        return [
            requester(
                f"Postponed: {ticket.title}",
                f"{by} postponed your ticket until {_when(d.get('until'))}.",
                lines=[f"Why: {d.get('reason', '')}"],
            )
        ]
    if kind == ev.WOKEN:
        mails = staff(
            owner_or_triagers,
            f"Back from postponement: {ticket.title}",
            f"The ticket is back ({d.get('why', '')}); it is {ticket.status} again.",
        )
        if event.public:
            mails.append(
                requester(
                    f"Back on the list: {ticket.title}", "The team is working on your ticket again."
                )
            )
        return mails
    if kind in (ev.SLA_WARNED, ev.SLA_BREACHED):
        target = str(d.get("target", "")).replace("_", " ")
        if kind == ev.SLA_WARNED:
            return staff(
                owner_or_triagers,
                f"SLA warning ({target}): {ticket.title}",
                f"The {target} target of this ticket is near: due {_when(d.get('sla_due'))}.",
            )
        return staff(
            [*owner_or_triagers, *triagers],
            f"SLA breached ({target}): {ticket.title}",
            f"The {target} target of this ticket has passed. The ticket is marked as breaching.",
        )
    if kind == ev.NUDGED:
        return [ask_for_missing("Reminder, more information needed", "We still need")]
    if kind == ev.CLOSED and d.get("auto"):
        return [
            requester(
                f"Closed, no answer: {ticket.title}",
                "We closed your ticket because the information it needed did not come.",
                lines=[
                    "Reopen it from the link below when you have it: nothing you wrote is lost."
                ],
            )
        ]
    if kind == ev.COMMENTED:
        where = SOURCE_LABELS.get(_source_id(event.actor) or "", "")
        who = d.get("author") or by
        return staff(
            owner_or_triagers,
            f"New comment: {ticket.title}",
            f"{who} commented" + (f" in {where}:" if where else ":"),
            lines=[d.get("message", ""), d.get("url", "")],
        )
    if kind == ev.WITHDRAWN:
        return staff(
            owner_or_triagers,
            f"Closed where it came from: {ticket.title}",
            f"The ticket was closed: {d.get('reason', '')}.",
            lines=[d.get("url", "")],
        )
    if kind == ev.MAIL_REFUSED:
        sender = str(d.get("from", ""))
        return [
            messages.notice(
                ticket,
                team,
                (sender,),
                subject=f"Not added: your mail about ticket #{ticket.number}",
                greeting="Hello,",
                headline=(
                    f"Your mail was not added to ticket #{ticket.number}: only its requester "
                    f"and the {team.name} team may write to it."
                ),
                about_ticket=False,
                lines=[
                    "To ask the team for something new, "
                    + (
                        f"write to {flow.email.address}."
                        if flow.email
                        else f"file a ticket at {deps.base_url.rstrip('/')}/tickets/new."
                    )
                ],
            )
        ] + staff(
            triagers,
            f"A mail was refused: {ticket.title}",
            f"{sender} wrote to this ticket and was refused (not the requester, not staff).",
        )
    if kind == ev.DROP_DEAD_NEAR:
        return staff(
            owner_or_triagers,
            f"Drop-dead date near: {ticket.title}",
            f"This ticket's drop-dead date is {d.get('drop_dead_date')}."
            + ("" if ticket.owner else " Nobody owns it yet."),
        )
    if kind == ev.INFO_REQUESTED:
        return [ask_for_missing("More information needed", "We need")]
    if kind == ev.UPDATED and event.public:
        eta = f"Expected by {d['eta']}." if d.get("eta") else ""
        reason = f"Reason: {d['reason']}" if d.get("reason") else ""
        return [
            requester(
                f"Update: {ticket.title}", f"{by} wrote:", lines=[d.get("message", ""), eta, reason]
            )
        ]
    if kind == ev.RESOLVED:
        return [
            requester(
                f"Resolved: {ticket.title}",
                f"{by} resolved your ticket. Every acceptance criterion was checked:",
                items=list(d.get("criteria", [])),
                lines=[
                    d.get("summary", ""),
                    "If something is not right, reopen it from the link below.",
                ],
            )
        ]
    if kind == ev.REJECTED:
        return [
            requester(
                f"Rejected: {ticket.title}",
                f"{by} rejected your ticket.",
                lines=[f"Reason: {d.get('reason', '')}"],
            )
        ]
    if kind == ev.TRIAGED:
        if d.get("owner"):
            return staff(
                [d["owner"]],
                f"Assigned to you: {ticket.title}",
                "Triage assigned this ticket to you.",
                lines=[d.get("routing", "")],
                items=sizing,
            )
        return staff(
            triagers,
            f"Nobody can own: {ticket.title}",
            "Triage found no obvious owner; it is on the staff-meeting agenda.",
            lines=[d.get("routing", "")],
            items=sizing,
        )
    if kind == ev.ASSIGNED and d.get("how") == "assigned":
        override = f"Over the WIP limit: {d['override_reason']}" if d.get("override_reason") else ""
        return staff(
            [d["owner"]],
            f"Assigned to you: {ticket.title}",
            f"{by} assigned this ticket to you.",
            lines=[override],
            items=sizing,
        )
    if kind == ev.ESCALATED:
        return staff(
            [d["to"]],
            f"Escalated to you: {ticket.title}",
            f"{by} asks you to take over this ticket. Accept or decline it in the console.",
            lines=[f"Why: {d.get('reason', '')}"],
        )
    if kind == ev.ESCALATION_ACCEPTED:
        return staff(
            [d.get("previous_owner", "")],
            f"Escalation accepted: {ticket.title}",
            f"{by} accepted the escalation and owns the ticket now.",
        )
    if kind == ev.ESCALATION_DECLINED:
        return staff(
            [d.get("escalated_by", "")],
            f"Escalation declined: {ticket.title}",
            f"{by} declined the escalation; the ticket stays yours.",
            lines=[f"Why: {d.get('reason', '')}"],
        )
    if kind == ev.RETURNED_TO_TRIAGE:
        return staff(
            triagers,
            f"Back to triage: {ticket.title}",
            f"{by} returned this ticket to triage.",
            lines=[f"Why: {d.get('reason', '')}"],
        )
    return []


def send_once(event: Event, mail: Mail, deps: NotifyDeps) -> None:
    """At most once per event and recipient: the ledger is claimed before sending. A mail
    the transport certainly did not send is released for the retry; after any other failure
    the claim stays, since the mail may have gone out."""
    for recipient in mail.to:
        if not deps.ledger.claim(event.ticket, event.id, recipient):
            continue
        try:
            message_id = deps.mailer.send(dataclasses.replace(mail, to=(recipient,)))
        except MailNotSent:
            deps.ledger.release(event.ticket, event.id, recipient)
            raise
        deps.ledger.mark_sent(event.ticket, event.id, recipient, message_id)
