"""The event catalogue's story of a tool's tickets (tests/unit/test_event_catalogue.py): an
alert group's life and an issue's edits through the inbound use case, so the catalogue reads
what it writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.application.inbound import InboundDeps, apply
from services.domain.flow import FlowConfig
from services.domain.inbound import Alert, Edit, Inbound
from tests.fakes import FixedClock


def tool_deliveries_story(story: Any, secret: str, now: datetime) -> None:
    """An alert group's life through the inbound use case: filed, a join, resolved, fired
    again (reopened; with `fired_again: file`, a new ticket), and an old-keyed one adopted;
    an issue whose title and a comment are edited where it came from."""
    data = story.flow.model_dump(mode="json")
    data["hooks"]["grafana"] |= {"on_resolved": "resolve", "fired_again": "file"}
    flows = {"alertmanager": story.flow, "grafana": FlowConfig(**data), "github": story.flow}
    one, two = Alert(id="a1", name="X (instance=db1)"), Alert(id="a2", name="X (instance=db2)")
    over = one.model_copy(update={"firing": False})
    draft = {
        "type": "alert",
        "title": "X fires",
        "requirements": "1 alert firing: X on db1.",
        "requester": {"name": "Alertmanager (via hook)", "email": "techops@example.org"},
    }
    said = [
        {"action": "open", "draft": draft, "alerts": (one,), "labels": {"service": ["mysql"]}},
        {"action": "open", "draft": draft, "alerts": (one, two)},
        {"action": "resolved", "message": "2 alerts resolved", "alerts": (over,)},
        {"action": "open", "draft": draft, "alerts": (one,)},
    ]
    deliveries = [
        Inbound(source=source, delivery=f"{source}-{n}", thread=f"{source}[x]:g", **fields)
        for source in flows
        for n, fields in enumerate(said)
    ]
    deliveries += [
        Inbound(source="alertmanager", delivery="old", action="open", thread="am:o", draft=draft),
        Inbound(
            source="alertmanager",
            delivery="adopting",
            action="resolved",
            thread="alertmanager[x]:o",
            old_thread="am:o",
            alerts=(over,),
        ),
        Inbound(source="github", delivery="issue", action="open", thread="gh#1", draft=draft),
        Inbound(
            source="github",
            delivery="issue-edit",
            action="edit",
            thread="gh#1",
            url="https://github.com/o/r/issues/1",
            edits={
                "title": Edit(before="X fires", after="X fires on db1"),
                "comment": Edit(before="Looking", after="Looking at it"),
            },
        ),
    ]
    inbox = story.tickets.inbox
    for m in deliveries:
        inbox.record(m)
        apply(m, InboundDeps(story.tickets, inbox, flows[m.source], FixedClock(now), secret))
    for number in sorted(story.tickets.tickets):
        story.events += story.tickets.history(number)
