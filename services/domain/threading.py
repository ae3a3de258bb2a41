"""Mail threading: how our mails name their ticket, and how a reply finds it again.

- Every mail about ticket n carries the header `X-RTFlow-Ticket: n` (and RFC 3834's
  Auto-Submitted): a mail coming back with it is our own.
- Its subject starts with the tag `[<team> #n]`, stable across the ticket's mails.
- Its Message-ID is `<...rtflow-tn@domain>`, so a reply's In-Reply-To or References name the
  ticket; `References: <thread.rtflow-tn@domain>` keeps one thread per ticket in mail clients.
- A mail to one recipient carries a proof in its id, `<...rtflow-tn-<proof>@domain>`: an HMAC
  of the ticket and the recipient's address. A reply naming it proves that its From received
  our mail about that ticket (From alone proves nothing: anyone can write any From).

A reply belongs to the ticket of the newest message of ours it answers, else to the ticket its
subject tag names: the headers win, a subject is easy to edit by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from email.utils import make_msgid

from services.domain.tokens import derived_secret

TICKET_HEADER = "X-RTFlow-Ticket"

# Our Message-IDs (and the thread reference): ".rtflow-t42@" names ticket 42, and
# ".rtflow-t42-<32 hex>@" with the proof for its recipient.
_OUR_ID = re.compile(r"\.rtflow-t(\d{1,9})(?:-([0-9a-f]{32}))?@", re.IGNORECASE)


def subject_tag(team: str, number: int) -> str:
    return f"[{team} #{number}]"


def subject_ticket(subject: str, team: str) -> int | None:
    """The ticket a subject's tag names (spaces and case as a mail client may change them)."""
    tag = re.compile(r"\[\s*" + re.escape(team) + r"\s*#\s*(\d{1,9})\s*\]", re.IGNORECASE)
    return _number(tag.search(" ".join(subject.split())))


def proof_key(secret_key: str) -> str:
    """The key of the proofs, derived from the app's secret key (rotated with it)."""
    return derived_secret(secret_key, "mail-reply-proof")


def reply_proof(key: str, ticket: int, address: str) -> str:
    """128 bits of HMAC over the ticket and the address (lower case) a mail went to."""
    mac = hmac.new(key.encode(), f"{ticket}:{address.strip().lower()}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def message_id(ticket: int | None, domain: str | None, proof: str = "") -> str:
    """A new Message-ID; one naming `ticket` when the mail is about one, with the proof for
    its recipient when there is one."""
    idstring = f"rtflow-t{ticket}" + (f"-{proof}" if proof else "") if ticket else None
    return make_msgid(idstring=idstring, domain=domain)


def proofs_for(ticket: int, ids: Iterable[str]) -> list[str]:
    """The proofs carried by those of our ids (In-Reply-To, References) that name `ticket`."""
    found = (_OUR_ID.search(i) for i in ids)
    return [m.group(2).lower() for m in found if m and m.group(2) and int(m.group(1)) == ticket]


def proven(key: str, ticket: int, address: str, proofs: Iterable[str]) -> bool:
    """Did `address` receive a mail of ours about `ticket`? One of `proofs` says so."""
    expected = reply_proof(key, ticket, address).encode()
    return any(hmac.compare_digest(p.encode("ascii", "replace"), expected) for p in proofs)


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
