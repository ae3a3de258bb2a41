"""What the use cases that change tickets need; the composition root builds it
(services/adapters/bootstrap.py), tests build it from fakes."""

from __future__ import annotations

from dataclasses import dataclass

from services.domain.flow import FlowConfig
from services.domain.ports import Clock, TicketRepository


@dataclass(frozen=True)
class TicketDeps:
    tickets: TicketRepository
    flow: FlowConfig
    clock: Clock
    secret_key: str  # status links are signed with it
