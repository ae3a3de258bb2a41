"""The same work for a ticket that does not exist as for one the asker may not see.

A status token that is not the ticket's and a ticket that does not exist answer the same 404;
a private ticket and a missing one give the public queue the same empty page. The answers
alone say nothing, but the time they take could: reading an existing ticket decodes it, a
miss does not, and a client timing thousands of requests could tell "private" from "none".
So on a miss the reader decodes a ticket all the same (the first one this process read, in the
form the SQLite home stores), and checks the token against a digest that matches nothing.
"""

from __future__ import annotations

import json
import threading

from services.domain.ticket import Ticket
from services.domain.ticket.document import ticket_from_document, ticket_to_document
from services.domain.tokens import token_matches

# A digest no token has (not hex): token_matches spends its time and says no.
_NO_DIGEST = "-" * 64

_lock = threading.Lock()
_last: list[str] = []  # the document of the first ticket read, as stored


def remember(ticket: Ticket) -> None:
    """Keep the first ticket read as the model of the work a miss must do (once: a hit must
    not pay for keeping it again)."""
    if _last:
        return
    document = json.dumps(ticket_to_document(ticket), default=str)
    with _lock:
        _last[:] = _last or [document]


def as_if_found(token: str | None = None) -> None:
    """Decode a ticket and check `token` as a hit would; the result is thrown away."""
    with _lock:
        document = _last[0] if _last else None
    if document is not None:
        ticket_from_document(json.loads(document), 1)
    token_matches(token, _NO_DIGEST)
