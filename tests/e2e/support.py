"""Helpers for the end-to-end tests: building requests, reading HTML, polling, and waiting for
the mails a ticket should cause."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any, TypeVar

import requests

TEAM_LIST = "techops@example.org"  # team.mail_list in infra/flow.example.yaml

T = TypeVar("T")


def today() -> date:
    return datetime.now(UTC).date()


def in_days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


def unique() -> str:
    return uuid.uuid4().hex[:12]


def ticket_body(uid: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A complete, valid API body for a general ticket, unique to `uid`."""
    uid = uid or unique()
    body: dict[str, Any] = {
        "type": "general",
        "title": f"E2E {uid}: rotate the backup keys",
        "requirements": f"Rotate the keys of backup host {uid}.\nKeep the old ones for a week.",
        "end_state": "Backups are encrypted with the new key.",
        "acceptance_criteria": ["A restore with the new key works", "The old key is revoked"],
        "drop_dead_date": in_days(60),
        "nice_to_have_date": in_days(30),
        "capacity_needs": "Two hours of a backup window.",
        "security_needs": "Only the backup operators hold the key.",
        "dependencies": ["The vault upgrade", "TechOps #12"],
        "requester": {"name": f"Requester {uid}", "email": f"req-{uid}@example.com"},
        "private": False,
    }
    body.update(overrides)
    return body


def eventually(
    probe: Callable[[], T | None], *, timeout: float = 10.0, interval: float = 0.2, what: str = ""
) -> T:
    """Call `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or probe}")
        time.sleep(interval)


def history_kinds(base_url: str, number: int, token: str) -> list[str]:
    r = requests.get(f"{base_url}/api/v1/tickets/{number}", params={"token": token}, timeout=10)
    r.raise_for_status()
    return [h["kind"] for h in r.json()["history"]]


def wait_until_acknowledged(base_url: str, number: int, token: str, timeout: float = 10) -> None:
    """Both acknowledgements of the filing (the requester's, the team's) are in the dev mail
    sink: the filing is its own acknowledgement, and these mails are what follows from it."""

    def both_sent() -> bool:
        r = requests.get(f"{base_url}/dev/mail.json", timeout=10)
        r.raise_for_status()
        mine = [m for m in r.json()["messages"] if tag(number) in m["subject"]]
        return sum(is_acknowledgement(m) for m in mine) >= 2

    eventually(both_sent, timeout=timeout, what=f"ticket #{number} to be acknowledged")


def tag(number: int) -> str:
    """The subject tag of a ticket's mails, closed so #1 does not match #12."""
    return f"#{number}]"


class Page(HTMLParser):
    """What the tests read from a page: form controls, labels, errors, tags and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.textareas: dict[str, str] = {}
        self.selects: dict[str, str | None] = {}
        self.controls: dict[str, dict[str, str | None]] = {}  # any input, textarea or select
        self.labels: dict[str, str] = {}
        self.errors: dict[str, str] = {}  # <p class="error" id="X-error"> → text
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.links: list[str] = []
        self.text_parts: list[str] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._label: str | None = None
        self._error: str | None = None
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])  # type: ignore[arg-type]
        self.classes.update((a.get("class") or "").split())
        if tag in ("input", "textarea", "select") and a.get("name"):
            self.controls[a["name"]] = a  # type: ignore[index]
        if tag == "input" and a.get("name"):
            self.inputs[a["name"]] = a  # type: ignore[index]
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.textareas[self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.selects[self._select] = None
        elif tag == "option" and self._select is not None and "selected" in a:
            self.selects[self._select] = a.get("value")
        elif tag == "label" and a.get("for"):
            self._label = a["for"]
            self.labels[self._label] = ""
        elif tag == "p" and "error" in (a.get("class") or "").split() and a.get("id"):
            self._error = a["id"]
            self.errors[self._error] = ""
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])  # type: ignore[arg-type]

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "label":
            self._label = None
        elif tag == "p":
            self._error = None

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self._textarea is not None:
            self.textareas[self._textarea] += data
        if self._label is not None:
            self.labels[self._label] += data
        if self._error is not None:
            self.errors[self._error] += data

    def value(self, name: str) -> str | None:
        """The value a browser would submit for control `name` (as typed, unescaped)."""
        if name in self.textareas:
            return self.textareas[name]
        if name in self.selects:
            return self.selects[name]
        if name in self.inputs:
            return self.inputs[name].get("value")
        return None


# Where a ticket may stand right after filing: triage runs beside the acknowledgement.
AFTER_FILING = {"new", "needs-info", "triaged", "assigned"}
_ACKNOWLEDGEMENT = re.compile(r"\] (Received: |New [\w-]+ ticket: )")


def is_acknowledgement(mail: dict) -> bool:
    """The two mails of filing (to the requester, to the team), not triage's later ones."""
    return bool(_ACKNOWLEDGEMENT.search(mail["subject"]))


@dataclass(frozen=True)
class Wanted:
    """Mail about ticket `number` to `to` whose subject contains `subject`: `count` of them."""

    number: int
    to: str
    subject: str
    count: int = 1

    def matches(self, mail: dict[str, Any]) -> bool:
        subject = mail["subject"]
        return tag(self.number) in subject and self.subject in subject and mail["to"] == [self.to]


def expect_mails(
    base_url: str, *wanted: Wanted, timeout: float = 30, interval: float = 0.75
) -> list[list[dict[str, Any]]]:
    """Wait until every `wanted` mail was captured; the matching mails of each, in order.

    One poll of /dev/mail.json answers every expectation at once, and polls are spaced out:
    the stack parses every captured mail on each request, which grows slow as mail piles up.
    """
    deadline = time.monotonic() + timeout
    while True:
        r = requests.get(f"{base_url}/dev/mail.json", timeout=30)
        r.raise_for_status()
        messages = r.json()["messages"]
        found = [[m for m in messages if w.matches(m)] for w in wanted]
        if all(len(f) >= w.count for f, w in zip(found, wanted, strict=True)):
            return found
        if time.monotonic() > deadline:
            missing = [
                f"{w} (found {len(f)})"
                for f, w in zip(found, wanted, strict=True)
                if len(f) < w.count
            ]
            numbers = {w.number for w in wanted}
            seen = [
                f"  {m['to']} {m['subject']!r}"
                for m in messages
                if any(tag(n) in m["subject"] for n in numbers)
            ]
            raise AssertionError(
                f"within {timeout}s no mail for: {'; '.join(missing)}; the tickets' mails:\n"
                + ("\n".join(seen) or "  (none)")
            )
        time.sleep(interval)
