"""Who hears what: one rule per event kind anybody hears of, returning the mails it calls for.

The requester hears of every public step that concerns them, the owner of what lands on
them, the triagers of what nobody owns. A kind without a rule is silent: notify does not even
read its ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.domain import events as ev
from services.domain.events import payloads as p
from services.domain.integrations import SOURCE_LABELS
from services.domain.mail import Mail
from services.domain.standing import team_time

from . import attachment_mail, messages, talk_mail, watcher_mail
from .notice import Notice


def _when(n: Notice, iso: str | None) -> str:
    """A time on the team's clock, its zone named (as it was entered in the console)."""
    if not iso:
        return "soon"
    return team_time(datetime.fromisoformat(iso), n.flow.calendar)


# -- the requester's steps -----------------------------------------------------------------


def info_requested(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.InfoRequested)
    # Asked by hand: by whom, and in their words.
    opening = f"{n.by} needs" if n.event.actor.startswith("staff:") else "We need"
    return [n.ask_for_missing("More information needed", opening, x.missing, x.message)]


def nudged(n: Notice) -> list[Mail]:
    missing = n.event.payload_as(p.Nudged).missing
    return [n.ask_for_missing("Reminder, more information needed", "We still need", missing)]


def updated(n: Notice) -> list[Mail]:
    if not n.event.public:
        return []
    x = n.event.payload_as(p.Updated)
    eta = f"Expected by {x.eta}." if x.eta else ""
    reason = f"Reason: {x.reason}" if x.reason else ""
    return [n.requester(f"Update: {n.title}", f"{n.by} wrote:", lines=[x.message, eta, reason])]


def postponed(n: Notice) -> list[Mail]:
    if not n.event.public:
        return []
    x = n.event.payload_as(p.Postponed)
    return [
        n.requester(
            f"Postponed: {n.title}",
            f"{n.by} postponed your ticket until {_when(n, x.until)}.",
            lines=[f"Why: {x.reason}"],
        )
    ]


def woken(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Woken)
    mails = n.staff(
        n.owner_or_triagers,
        f"Back from postponement: {n.title}",
        f"The ticket is back ({x.why}); it is {n.ticket.status} again.",
    )
    if n.event.public:
        mails.append(
            n.requester(f"Back on the list: {n.title}", "The team is working on your ticket again.")
        )
    return mails


def resolved(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Resolved)
    return [
        n.requester(
            f"Resolved: {n.title}",
            f"{n.by} resolved your ticket.",
            lines=[x.summary, "Every acceptance criterion was checked:"],
            items=list(x.criteria),
            link_label="Confirm it is done, or reopen it if something is not right",
        )
    ]


def rejected(n: Notice) -> list[Mail]:
    reason = n.event.payload_as(p.Rejected).reason
    return [
        n.requester(
            f"Rejected: {n.title}", f"{n.by} rejected your ticket.", lines=[f"Reason: {reason}"]
        )
    ]


def closed(n: Notice) -> list[Mail]:
    if not n.event.payload_as(p.Closed).auto:
        return []
    return [
        n.requester(
            f"Closed, no answer: {n.title}",
            "We closed your ticket because the information it needed did not come.",
            lines=["Reopen it from the link below when you have it: nothing you wrote is lost."],
        )
    ]


# -- the team's ----------------------------------------------------------------------------


def filed(n: Notice) -> list[Mail]:
    """A sub-ticket given to an engineer (other filings are acknowledged: see notify)."""
    x = n.event.payload_as(p.Filed)
    if not x.owner:
        return []
    return n.staff(
        [x.owner],
        f"Assigned to you: {n.title}",
        f"{n.by} split ticket #{x.parent} and gave you this part of it.",
    )


def triaged(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Triaged)
    if x.owner:
        return n.staff(
            [x.owner],
            f"Assigned to you: {n.title}",
            "Triage assigned this ticket to you.",
            lines=[x.routing],
            items=n.sizing,
        )
    return n.staff(
        n.triagers,
        f"Nobody can own: {n.title}",
        "Triage found no obvious owner; it is on the staff-meeting agenda.",
        lines=[x.routing],
        items=n.sizing,
    )


def assigned(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Assigned)
    if x.how != "assigned":
        return []  # taken: the owner knows
    override = f"Over the WIP limit: {x.override_reason}" if x.override_reason else ""
    return n.staff(
        [x.owner],
        f"Assigned to you: {n.title}",
        f"{n.by} assigned this ticket to you.",
        lines=[override],
        items=n.sizing,
    )


def escalated(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Escalated)
    return n.staff(
        [x.to],
        f"Escalated to you: {n.title}",
        f"{n.by} asks you to take over this ticket. Accept or decline it in the console.",
        lines=[f"Why: {x.reason}"],
    )


def escalation_accepted(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.EscalationAccepted)
    return n.staff(
        [x.previous_owner],
        f"Escalation accepted: {n.title}",
        f"{n.by} accepted the escalation and owns the ticket now.",
    )


def escalation_declined(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.EscalationDeclined)
    return n.staff(
        [x.escalated_by],
        f"Escalation declined: {n.title}",
        f"{n.by} declined the escalation; the ticket stays yours.",
        lines=[f"Why: {x.reason}"],
    )


def returned_to_triage(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.ReturnedToTriage)
    return n.staff(
        n.triagers,
        f"Back to triage: {n.title}",
        f"{n.by} returned this ticket to triage.",
        lines=[f"Why: {x.reason}"],
    )


def reopened(n: Notice) -> list[Mail]:
    """Back with its last owner: they hear it. To triage: the triagers, and the last owner
    with why it did not come back to them."""
    x = n.event.payload_as(p.Reopened)
    ticket = n.ticket
    who = ticket.requester.name if n.event.actor.startswith("requester:") else n.by
    why = f"Why: {x.reason}"
    if x.owner:
        return n.staff(
            [x.owner],
            f"Reopened, yours again: {n.title}",
            f"{who} reopened this ticket; it is back with you ({ticket.status}).",
            lines=[why],
        )
    not_back = f"Not back with its last owner: {x.not_back}." if x.not_back else ""
    mails = n.staff(
        n.triagers,
        f"Reopened: {n.title}",
        f"{who} reopened this ticket; it is {ticket.status} again.",
        lines=[why, not_back],
    )
    if x.previous_owner and x.previous_owner not in n.triagers:
        mails += n.staff(
            [x.previous_owner],
            f"Reopened, gone to triage: {n.title}",
            f"{who} reopened this ticket you owned; it went to triage"
            + (f": {x.not_back}." if x.not_back else "."),
            lines=[why],
        )
    return mails


def replied(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Replied)
    woke = ""
    if x.woke and x.missing:
        woke = (
            " The ticket waited for information; it is back with the triagers (still"
            f" missing: {', '.join(x.missing).replace('_', ' ')})."
        )
    elif x.woke:
        woke = " The ticket was postponed; it is back now."
    return n.staff(
        n.owner_or_triagers,
        f"The requester wrote: {n.title}",
        f"{n.ticket.requester.name} wrote:{woke}",
        lines=[x.message],
    )


def commented(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Commented)
    kind, _, source = n.event.actor.partition(":")
    if kind == "staff":
        return talk_mail.staff_comment(n)
    where = SOURCE_LABELS.get(source, "") if kind == "source" else ""
    return n.staff(
        n.owner_or_triagers,
        f"New comment: {n.title}",
        f"{x.author or n.by} commented" + (f" in {where}:" if where else ":"),
        lines=[x.message, x.url],
    )


def withdrawn(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.Withdrawn)
    return n.staff(
        n.owner_or_triagers,
        f"Closed where it came from: {n.title}",
        f"The ticket was closed: {x.reason}.",
        lines=[x.url],
    )


def resolved_at_source(n: Notice) -> list[Mail]:
    """The tool says it is over (its alert resolved): whoever works it hears; it reopens
    by itself if it fires again."""
    x = n.event.payload_as(p.ResolvedAtSource)
    return n.staff(
        n.owner_or_triagers,
        f"Resolved where it came from: {n.title}",
        f"The ticket was resolved: {x.reason}. It reopens if it is reported again.",
        lines=[x.message, x.url],
    )


def mail_refused(n: Notice) -> list[Mail]:
    """The stranger hears why, without a word of the ticket, unless nothing proved they sent
    it (a forged From would make us mail whoever it names); the triagers hear of it."""
    refused = n.event.payload_as(p.MailRefused)
    sender = refused.sender
    number, team = n.ticket.number, n.flow.team
    elsewhere = (
        f"write to {n.flow.email.address}."
        if n.flow.email
        else f"file a ticket at {n.base_url.rstrip('/')}/tickets/new."
    )
    refusal = messages.notice(
        n.ticket,
        team,
        (sender,),
        subject=f"Not added: your mail about ticket #{number}",
        greeting="Hello,",
        headline=(
            f"Your mail was not added to ticket #{number}: only its requester "
            f"and the {team.name} team may write to it."
        ),
        about_ticket=False,
        lines=["To ask the team for something new, " + elsewhere],
    )
    why = "not the requester, not staff" if refused.proven else refused.reason
    return ([refusal] if refused.proven else []) + n.staff(
        n.triagers,
        f"A mail was refused: {n.title}",
        f"{sender} wrote to this ticket and was refused ({why}).",
    )


# -- the clock's ---------------------------------------------------------------------------


def sla_warned(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.SlaTimer)
    target = x.target.replace("_", " ")
    return n.staff(
        n.owner_or_triagers,
        f"SLA warning ({target}): {n.title}",
        f"The {target} target of this ticket is near: due {_when(n, n.event.data.get('sla_due'))}.",
    )


def sla_breached(n: Notice) -> list[Mail]:
    target = n.event.payload_as(p.SlaTimer).target.replace("_", " ")
    return n.staff(
        [*n.owner_or_triagers, *n.triagers],
        f"SLA breached ({target}): {n.title}",
        f"The {target} target of this ticket has passed. The ticket is marked as breaching.",
    )


def drop_dead_near(n: Notice) -> list[Mail]:
    x = n.event.payload_as(p.DropDeadNear)
    return n.staff(
        n.owner_or_triagers,
        f"Drop-dead date near: {n.title}",
        f"This ticket's drop-dead date is {x.drop_dead_date}."
        + ("" if n.ticket.owner else " Nobody owns it yet."),
    )


Rule = Callable[[Notice], list[Mail]]

RULES: dict[str, Rule] = {
    ev.TICKET_FILED: filed,
    ev.INFO_REQUESTED: info_requested,
    ev.TRIAGED: triaged,
    ev.ASSIGNED: assigned,
    ev.UPDATED: updated,
    ev.ESCALATED: escalated,
    ev.ESCALATION_ACCEPTED: escalation_accepted,
    ev.ESCALATION_DECLINED: escalation_declined,
    ev.RETURNED_TO_TRIAGE: returned_to_triage,
    ev.REJECTED: rejected,
    ev.RESOLVED: resolved,
    ev.REOPENED: reopened,
    ev.CLOSED: closed,
    ev.REPLIED: replied,
    ev.POSTPONED: postponed,
    ev.WOKEN: woken,
    ev.NUDGED: nudged,
    ev.SLA_WARNED: sla_warned,
    ev.SLA_BREACHED: sla_breached,
    ev.DROP_DEAD_NEAR: drop_dead_near,
    ev.COMMENTED: commented,
    ev.EDITED: talk_mail.edited,
    ev.WITHDRAWN: withdrawn,
    ev.RESOLVED_AT_SOURCE: resolved_at_source,
    ev.MAIL_REFUSED: mail_refused,
    **watcher_mail.RULES,
    **attachment_mail.RULES,
}
