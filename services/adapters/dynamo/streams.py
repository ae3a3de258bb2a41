"""Items as the table's stream carries them (NEW_IMAGE, deserialised) to the relay."""

from __future__ import annotations

import json
from typing import Any

from services.domain.events import Event
from services.domain.inbound import Inbound

from .keys import EVENT_PREFIX, INBOX_PREFIX
from .models import EventItem


def inbound_from_stream_image(image: dict[str, Any]) -> Inbound | None:
    """The Inbound in a new inbox item's stream image, or None for any other item."""
    if not str(image.get("pk", "")).startswith(INBOX_PREFIX):
        return None
    return Inbound.model_validate_json(image["message"])


def event_from_stream_image(image: dict[str, Any]) -> Event | None:
    """The Event in a stream record's NEW_IMAGE (already deserialised), or None when the item
    is not an event (tickets, ledger entries and the counter pass through the stream too) or
    is an imported one (`restored`: history, not news)."""
    if not str(image.get("sk", "")).startswith(EVENT_PREFIX) or image.get("restored"):
        return None
    return Event(
        id=str(image["id"]),
        ticket=int(image["ticket"]),
        kind=str(image["kind"]),
        at=EventItem.at.deserialize(image["at"]),
        actor=str(image["actor"]),
        public=bool(image["public"]),
        data=json.loads(image.get("data") or "{}"),
    )
