"""Mail threading: how our mails name their ticket, and how a reply finds it again.

- Every mail about ticket n carries the header `X-RTFlow-Ticket: n` (and RFC 3834's
  Auto-Submitted): a mail coming back with it is our own.
- Its subject starts with the tag `[<team> #n]`, stable across the ticket's mails.
- Its Message-ID is `<...rtflow-tn@domain>`, so a reply's In-Reply-To or References name the
  ticket; `References: <thread.rtflow-tn@domain>` keeps one thread per ticket in mail clients.

A reply belongs to the ticket of the newest message of ours it answers, else to the ticket its
subject tag names: the headers win, a subject is easy to edit by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import make_msgid

TICKET_HEADER = "X-RTFlow-Ticket"

# Our Message-IDs (and the thread reference): ".rtflow-t42@" names ticket 42.
_OUR_ID = re.compile(r"\.rtflow-t(\d{1,9})@", re.IGNORECASE)


def subject_tag(team: str, number: int) -> str:
    return f"[{team} #{number}]"


def subject_ticket(subject: str, team: str) -> int | None:
    """The ticket a subject's tag names (spaces and case as a mail client may change them)."""
    tag = re.compile(r"\[\s*" + re.escape(team) + r"\s*#\s*(\d{1,9})\s*\]", re.IGNORECASE)
    return _number(tag.search(" ".join(subject.split())))


def message_id(ticket: int | None, domain: str | None) -> str:
    """A new Message-ID; one naming `ticket` when the mail is about one."""
    return make_msgid(idstring=f"rtflow-t{ticket}" if ticket else None, domain=domain)


def thread_reference(ticket: int, domain: str) -> str:
    """The References value every mail of a ticket shares: one thread per ticket."""
    return f"<thread.rtflow-t{ticket}@{domain}>"


def is_ours(message_id: str) -> bool:
    return _OUR_ID.search(message_id) is not None


def replied_ticket(in_reply_to: Iterable[str], references: Iterable[str]) -> int | None:
    """The ticket of the newest message of ours a mail answers: In-Reply-To, then the
    References from the most recent back."""
    for candidate in [*in_reply_to, *reversed(list(references))]:
        number = _number(_OUR_ID.search(candidate))
        if number is not None:
            return number
    return None


def _number(found: re.Match[str] | None) -> int | None:
    if found and int(found.group(1)) >= 1:
        return int(found.group(1))
    return None
