"""A stack of its own with a test clock, for the end-to-end tests of time: moving the clock,
filing tickets dated by it, and the mails it causes; reading SLA states and fired timers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from .stack_process import RunningStack
from .staff_api import Api, Filed, neutral_ticket_body
from .support import eventually, tag, unique

TEAM_ZONE = ZoneInfo("Europe/Amsterdam")  # calendar.timezone in infra/flow.example.yaml
FIRST_MONDAY = datetime(2027, 2, 1, 9, 0, tzinfo=TEAM_ZONE)  # a working Monday, no holidays near


@dataclass
class ClockStack:
    """A module's own stack (the clock_stack fixture of conftest.py): its API client, its test
    clock, its mailbox and its tickets."""

    running: RunningStack
    api: Api
    holidays: frozenset[date]
    filed: list[Filed] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.running.base_url

    # the clock

    def now(self) -> datetime:
        r = requests.get(f"{self.base_url}/dev/clock", timeout=10)
        assert r.status_code == 200, r.text
        return datetime.fromisoformat(r.json()["now"])

    def move(self, body: Any = None, **kw: Any) -> requests.Response:
        return requests.post(f"{self.base_url}/dev/clock", json=body, timeout=60, **kw)

    def advance(self, seconds: float) -> datetime:
        r = self.move({"advance_seconds": seconds})
        assert r.status_code == 200, f"advance {seconds}s: {r.status_code} {r.text}"
        return datetime.fromisoformat(r.json()["now"])

    def set(self, moment: datetime) -> datetime:
        r = self.move({"set": moment.isoformat()})
        assert r.status_code == 200, f"set {moment.isoformat()}: {r.status_code} {r.text}"
        return datetime.fromisoformat(r.json()["now"])

    def next_monday(self) -> datetime:
        """Set the clock to 09:00 of the next Monday whose two weeks hold no holiday (and no
        earlier than FIRST_MONDAY); that moment, in team time."""
        day = max(self.now().astimezone(TEAM_ZONE).date() + timedelta(days=1), FIRST_MONDAY.date())
        while day.weekday() != 0 or any(
            day + timedelta(days=n) in self.holidays for n in range(15)
        ):
            day += timedelta(days=1)
        monday = datetime.combine(day, time(9, 0), TEAM_ZONE)
        self.set(monday)
        return monday

    # tickets and mail

    def file(self, **overrides: Any) -> Filed:
        """A neutral general ticket (triage leaves it unowned), dated by the test clock."""
        today = self.now().astimezone(TEAM_ZONE).date()
        body = neutral_ticket_body(
            unique(),
            drop_dead_date=(today + timedelta(days=180)).isoformat(),
            nice_to_have_date=(today + timedelta(days=150)).isoformat(),
        )
        body.update(overrides)
        filed = self.api.file(body)
        self.filed.append(filed)
        return filed

    def mails(self) -> list[dict[str, Any]]:
        r = requests.get(f"{self.base_url}/dev/mail.json", timeout=30)
        r.raise_for_status()
        return r.json()["messages"]

    def mails_about(self, filed: Filed, subject: str, to: str | None = None) -> list[dict]:
        """The captured mails of `filed` whose subject holds `subject` (to `to`, if given).
        POST /dev/clock answers after the mails went out, so no waiting is needed."""
        return [
            m
            for m in self.mails()
            if tag(filed.number) in m["subject"]
            and subject in m["subject"]
            and (to is None or m["to"] == [to])
        ]

    def wait_for_mail(self, filed: Filed, subject: str, to: str, timeout: float = 15) -> dict:
        """The one mail of `filed` with `subject` to `to`, for mails an action (not the clock)
        sends, which the notify queue delivers a moment later."""
        found = eventually(
            lambda: self.mails_about(filed, subject, to),
            timeout=timeout,
            what=f"a mail {subject!r} about #{filed.number} to {to}; "
            f"it has: {self.subjects(filed)}",
        )
        assert len(found) == 1, f"{len(found)} mails {subject!r} to {to}: {self.subjects(filed)}"
        return found[0]

    def subjects(self, filed: Filed) -> list[tuple[str, str]]:
        return [
            (",".join(m["to"]), m["subject"])
            for m in self.mails()
            if tag(filed.number) in m["subject"]
        ]

    def email(self, member: str) -> str:
        return f"{member}@example.org"  # team.members[].email in infra/flow.example.yaml


def team_time(when: datetime) -> datetime:
    return when.astimezone(TEAM_ZONE)


def sla(view: dict[str, Any], target: str) -> dict[str, Any]:
    [state] = [s for s in view["sla"] if s["target"] == target]
    return state


def fired_timers(view: dict[str, Any]) -> list[str]:
    return [h["data"]["timer"] for h in view["history"] if "timer" in (h.get("data") or {})]
