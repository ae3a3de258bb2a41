"""The event: an immutable fact about a ticket, stored and sent as a plain `data` dict."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from .catalogue import EventSpec, spec_of
from .payloads import Payload

P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class Event:
    ticket: int
    kind: str
    at: datetime
    actor: str
    public: bool
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def spec(self) -> EventSpec[Any]:
        return spec_of(self.kind)

    @property
    def summary(self) -> str:
        return self.spec.summary

    @cached_property
    def payload(self) -> Payload:
        """`data` read by the kind's model (the stored form stays `data`)."""
        payload: Payload = self.spec.payload.model_validate(self.data)
        return payload

    def payload_as(self, model: type[P]) -> P:
        """The payload, typed: `model` must be the kind's model."""
        payload = self.payload
        if not isinstance(payload, model):
            raise TypeError(f"a {self.kind} event carries {type(payload).__name__}")
        return payload

    @property
    def detail(self) -> str:
        """The words a reader needs beside the summary (a history's second column)."""
        return str(self.spec.detail(self.payload))

    def to_message(self) -> dict[str, Any]:
        """The JSON-safe form the relay puts on the queues."""
        return {
            "id": self.id,
            "ticket": self.ticket,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "public": self.public,
            "data": self.data,
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Event:
        return cls(
            id=str(message["id"]),
            ticket=int(message["ticket"]),
            kind=str(message["kind"]),
            at=datetime.fromisoformat(message["at"]),
            actor=str(message["actor"]),
            public=bool(message["public"]),
            data=dict(message.get("data") or {}),
        )
