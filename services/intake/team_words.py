"""What the requester's pages say of people and times, as the mails say it: a member by name,
a time on the team's clock with its zone named, what a ticket type promises
(services/domain/standing.py). Jinja globals, read from the flow config at each call."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.domain.flow import FlowConfig
from services.domain.standing import Promise, promises, team_time

# History lines name owners by member id and times in UTC (services/domain/events/catalogue.py).
_MEMBER_IN_LINE = re.compile(r"\b(Owner: |Assigned to )([a-z0-9][a-z0-9_-]*)")
_UTC_IN_LINE = re.compile(r"\b(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d) UTC\b")


def team_words(flow: Callable[[], FlowConfig]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pages' globals and filters, over the flow config `flow()` returns."""

    def member_name(member_id: str | None) -> str:
        member = flow().member(member_id) if member_id else None
        return member.name if member else (member_id or "")

    def on_team_clock(at: datetime) -> str:
        return team_time(at, flow().calendar)

    def promise_of(type_name: str) -> Promise | None:
        return promises(flow().ticket_type(type_name), flow().calendar)

    def named(line: str) -> str:
        """A history line with members by name and times on the team's clock."""
        line = _MEMBER_IN_LINE.sub(lambda m: m.group(1) + member_name(m.group(2)), line)
        return _UTC_IN_LINE.sub(
            lambda m: on_team_clock(datetime.fromisoformat(f"{m[1]}T{m[2]}+00:00")), line
        )

    globals_ = {"member_name": member_name, "team_time": on_team_clock, "promise_of": promise_of}
    return globals_, {"named": named}
