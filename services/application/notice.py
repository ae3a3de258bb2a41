"""A notice: one event on its ticket, and the ways to write about it to the people concerned
(the requester, team members by id), as mail_rules' rules do."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

from services.domain.corrections import words
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.mail import Mail
from services.domain.ticket import Ticket
from services.domain.tokens import status_link, status_token
from services.domain.watchers import unwatch_link

from . import messages


@dataclass(frozen=True)
class Notice:
    """One event on its ticket, and the ways to write to the people concerned."""

    event: Event
    ticket: Ticket
    flow: FlowConfig
    base_url: str
    secret_key: str
    # The watchers' copies of what was written to the requester about a public event: notify
    # sends them after the rule's own mails (see `requester`).
    copies: list[Mail] = field(default_factory=list, compare=False)

    @property
    def title(self) -> str:
        return self.ticket.title

    @cached_property
    def by(self) -> str:
        """Who acted, by name: a team member, else triage (the system)."""
        kind, _, ident = self.event.actor.partition(":")
        actor = self.flow.member(ident) if kind == "staff" else None
        return actor.name if actor else "triage"

    @cached_property
    def triagers(self) -> list[str]:
        return [m.id for m in self.flow.members_with_role("triager")]

    @property
    def owner_or_triagers(self) -> list[str]:
        return [self.ticket.owner] if self.ticket.owner else self.triagers

    @property
    def sizing(self) -> list[str]:
        c = self.ticket.complexity
        return [f"Complexity: {c.size}", *c.reasons] if c else []

    def _token(self) -> str:
        return status_token(self.secret_key, self.ticket.number, self.ticket.token_salt)

    def requester(
        self,
        subject: str,
        headline: str,
        *,
        lines: list[str] | None = None,
        items: list[str] | None = None,
        link: str | None = None,
        link_label: str = "Where your ticket stands",
    ) -> Mail:
        """The requester's mail; for a public event each watcher gets a copy, without the
        status link (it is the requester's key), with the link that takes them off."""
        if self.event.public:
            mine = headline.replace("your ticket", f"{self.ticket.requester.name}'s ticket")
            self.copies.extend(
                self.watcher(w, subject, mine, lines=lines, items=items)
                for w in self.ticket.watchers
            )
        return self._requester(subject, headline, lines, items, link, link_label)

    def _requester(
        self,
        subject: str,
        headline: str,
        lines: list[str] | None,
        items: list[str] | None,
        link: str | None,
        link_label: str,
    ) -> Mail:
        ticket = self.ticket
        return messages.notice(
            ticket,
            self.flow.team,
            (ticket.requester.email,),
            subject=subject,
            greeting=f"Hello {ticket.requester.name},",
            headline=headline,
            lines=lines,
            items=items,
            link=link or status_link(self.base_url, ticket.number, self._token()),
            link_label=link_label,
        )

    def ask_for_missing(
        self, subject: str, opening: str, missing: list[str], message: str = ""
    ) -> Mail:
        """To the requester alone: only they can add it. The fields in plain words, and
        what the asker wrote."""
        base, number = self.base_url.rstrip("/"), self.ticket.number
        return self._requester(
            f"{subject}: {self.title}",
            f"{opening} a little more before the team can start. Please add:",
            [message],
            [words(f) for f in missing],
            f"{base}/tickets/{number}/info?token={self._token()}",
            "Add the missing information",
        )

    def watcher(
        self,
        address: str,
        subject: str,
        headline: str,
        *,
        lines: list[str] | None = None,
        items: list[str] | None = None,
    ) -> Mail:
        """A mail to someone copied on the ticket: its link (and List-Unsubscribe, RFC 8058's
        one-click POST included) takes them off."""
        link = unwatch_link(self.base_url, self.secret_key, self.ticket.number, address)
        mail = messages.notice(
            self.ticket,
            self.flow.team,
            (address,),
            subject=subject,
            greeting="Hello,",
            headline=headline,
            lines=lines,
            items=items,
            link=link,
            link_label="Stop the mails about this ticket",
            copied=True,
        )
        unsubscribe = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        return dataclasses.replace(mail, headers=mail.headers | unsubscribe)

    def staff(
        self,
        member_ids: list[str],
        subject: str,
        headline: str,
        *,
        lines: list[str] | None = None,
        items: list[str] | None = None,
    ) -> list[Mail]:
        members = [m for m in (self.flow.member(i) for i in dict.fromkeys(member_ids)) if m]
        link = f"{self.base_url.rstrip('/')}/staff/tickets/{self.ticket.number}"
        return [
            messages.notice(
                self.ticket,
                self.flow.team,
                (m.email,),
                subject=subject,
                greeting=f"Hello {m.name},",
                headline=headline,
                lines=lines,
                items=items,
                link=link,
                link_label="Open it in the console",
            )
            for m in members
        ]
