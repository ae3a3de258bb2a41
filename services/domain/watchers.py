"""Watchers: addresses besides the requester's that hear of a ticket's public updates.

They come from the CC a requester names when filing (the form, the API, a mail's Cc), from
staff adding them, and from a merged duplicate (its requester and watchers join the target).
A watcher's mail carries a link that takes them off, signed as status links are: an HMAC of
the ticket number and the address under the app's secret, so nothing is stored for it and
nobody can unsubscribe somebody else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import AfterValidator, EmailStr, Field, TypeAdapter, ValidationError

MAX_CC = 5  # named by the requester when filing: a public form must not become a mail cannon
MAX_WATCHERS = 20  # on one ticket, however they came


def _ascii_lower(address: str) -> str:
    if not address.isascii():
        # Internationalised addresses need SMTPUTF8, which SES does not offer.
        raise ValueError("must be written in ASCII characters")
    return address.lower()


# One address, as the requester's is checked (drafts.Requester): lower case, ASCII.
Address = Annotated[EmailStr, Field(max_length=254), AfterValidator(_ascii_lower)]


_ADDRESS: TypeAdapter[str] = TypeAdapter(Address)


def usable(candidates: list[str], *, leave_out: set[str], limit: int = MAX_CC) -> list[str]:
    """The addresses among `candidates` that could be copied (valid, not left out), lower
    case, once each, at most `limit`: what a mail's Cc offers, where a bad address must not
    cost the whole mail."""
    kept: list[str] = []
    for candidate in candidates:
        try:
            address = _ADDRESS.validate_python(candidate.strip())
        except ValidationError:
            continue
        if address not in leave_out and address not in kept:
            kept.append(address)
    return kept[:limit]


def split_addresses(value: Any) -> Any:
    """A form's text (one per line, or separated by commas or spaces) as a list; anything
    else as it came, for the schema to judge."""
    if isinstance(value, str):
        return [a for a in re.split(r"[\s,;]+", value) if a]
    return value


def unwatch_token(secret: str, number: int, address: str) -> str:
    mac = hmac.new(secret.encode(), f"unwatch:{number}:{address.lower()}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def unwatch_matches(secret: str, number: int, address: str, token: str | None) -> bool:
    if not token or len(token) > 128:
        return False
    return hmac.compare_digest(unwatch_token(secret, number, address), token)


def unwatch_link(base_url: str, secret: str, number: int, address: str) -> str:
    """The page where `address` stops getting ticket `number`'s mail."""
    query = urlencode({"address": address, "token": unwatch_token(secret, number, address)})
    return f"{base_url.rstrip('/')}/tickets/{number}/unwatch?{query}"
