"""Helpers for the end-to-end tests: building requests, reading HTML, polling."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
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
    eventually(
        lambda: "ticket.acknowledged" in history_kinds(base_url, number, token),
        timeout=timeout,
        what=f"ticket #{number} to be acknowledged",
    )


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


# -- Staff actions over the API: tokens, a client, WIP counters, cleanup -----------------------
# (for test_triage_flow.py, test_staff_actions.py and test_concurrency.py)

STAFF_TOKENS_HEADING = "Staff tokens for the example team"
_STAFF_TOKEN_LINE = re.compile(r"^\s+([A-Za-z0-9_.-]+)\s+(rtf_\S+)\s*$")
OWNED = frozenset({"assigned", "in-progress", "postponed"})


def parse_staff_tokens(output: str) -> dict[str, str]:
    """member → token from the block `rtflow run` prints at start; {} until the whole block
    (ended by a blank line) is there."""
    _, found, rest = output.partition(STAFF_TOKENS_HEADING)
    if not found:
        return {}
    lines = rest.split("\n")[1:]  # the heading's own line ends with "(Authorization: ...):"
    tokens: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            return tokens
        m = _STAFF_TOKEN_LINE.match(line)
        if m:
            tokens[m.group(1)] = m.group(2)
    return {}  # the block is not complete yet


def neutral_ticket_body(uid: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A complete general ticket whose title and requirements match no skill in the flow
    config: triage leaves it triaged and unowned, for staff to take or assign."""
    uid = uid or unique()
    body = ticket_body(
        uid,
        title=f"E2E {uid}: order chairs for the ops room",
        requirements=f"Order six chairs for ops room {uid}.\nDeliver them before the next sprint.",
        end_state="Six new chairs stand in the ops room.",
        acceptance_criteria=["Six chairs delivered", "The old chairs recycled"],
    )
    body.update(overrides)
    return body


@dataclass(frozen=True)
class Filed:
    number: int
    token: str  # the requester's status token
    body: dict[str, Any]

    @property
    def requester(self) -> str:
        return self.body["requester"]["email"]

    @property
    def title(self) -> str:
        return self.body["title"]


class Api:
    """The JSON API as staff and requesters use it, plus a look at the WIP counters."""

    def __init__(
        self,
        base_url: str,
        tokens: dict[str, str],
        limits: dict[str, int],
        stack_info: dict[str, Any],
    ):
        self.base_url = base_url
        self.tokens = tokens
        self.limits = limits
        self._stack_info = stack_info
        self._dynamodb = None
        self._table = stack_info["outputs"]["TicketsTableName"]

    def headers(self, member: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[member]}"}

    def file(self, body: dict[str, Any]) -> Filed:
        r = requests.post(f"{self.base_url}/api/v1/tickets", json=body, timeout=10)
        assert r.status_code == 201, r.text
        created = r.json()
        token = parse_qs(urlsplit(created["status_url"]).query)["token"][0]
        return Filed(created["id"], token, body)

    def view(self, number: int, member: str = "mira") -> dict[str, Any]:
        r = requests.get(
            f"{self.base_url}/api/v1/tickets/{number}", headers=self.headers(member), timeout=10
        )
        assert r.status_code == 200, f"GET #{number} as {member}: {r.status_code} {r.text}"
        return r.json()

    def act(
        self, number: int, action: str, member: str, body: dict[str, Any] | None = None
    ) -> requests.Response:
        return requests.post(
            f"{self.base_url}/api/v1/tickets/{number}/{action}",
            json=body if body is not None else {},
            headers=self.headers(member),
            timeout=15,
        )

    def ok(
        self, number: int, action: str, member: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Do `action` and expect 200; the updated staff view."""
        r = self.act(number, action, member, body)
        assert r.status_code == 200, f"{action} #{number} as {member}: {r.status_code} {r.text}"
        return r.json()

    def as_requester(
        self, number: int, action: str, token: str, body: dict[str, Any]
    ) -> requests.Response:
        return requests.post(
            f"{self.base_url}/api/v1/tickets/{number}/{action}",
            params={"token": token},
            json=body,
            timeout=15,
        )

    def wait_for_status(
        self, number: int, statuses: str | set[str] | frozenset[str], timeout: float = 30
    ) -> dict[str, Any]:
        """The staff view as soon as the ticket is in one of `statuses` (triage is asynchronous
        and lags behind when the session's stack is busy)."""
        wanted = {statuses} if isinstance(statuses, str) else set(statuses)
        seen: list[str] = []

        def probe() -> dict[str, Any] | None:
            view = self.view(number)
            seen.append(view["status"])
            return view if view["status"] in wanted else None

        try:
            return eventually(
                probe, timeout=timeout, interval=0.25, what=f"#{number} to be {sorted(wanted)}"
            )
        except AssertionError as e:
            raise AssertionError(f"{e}; it is {seen[-1] if seen else '?'}") from None

    def triaged(self, body: dict[str, Any]) -> Filed:
        """File `body` and wait until triage is done with it."""
        filed = self.file(body)
        self.wait_for_status(filed.number, {"triaged", "assigned", "needs-info"})
        return filed

    # -- WIP counters (one item per member in the table; no API lists them) ------------------

    @property
    def dynamodb(self):
        if self._dynamodb is None:
            self._dynamodb = boto3.client(
                "dynamodb",
                endpoint_url=self._stack_info["endpoint_url"],
                region_name=self._stack_info["region"],
                aws_access_key_id="e2e",
                aws_secret_access_key="e2e",  # noqa: S106 - the emulator takes any key
            )
        return self._dynamodb

    def wip(self, member: str) -> int:
        """The member's open-ticket count, as the WIP limit checks it."""
        item = self.dynamodb.get_item(
            TableName=self._table,
            Key={"pk": {"S": f"MEMBER#{member}"}, "sk": {"S": "WIP"}},
            ConsistentRead=True,
        ).get("Item")
        return int(item["open_count"]["N"]) if item and "open_count" in item else 0

    def owned_by(self, member: str) -> list[int]:
        """The member's open tickets (the by-owner index holds only open ones)."""
        items = self.dynamodb.query(
            TableName=self._table,
            IndexName="by-owner",
            KeyConditionExpression="owner_key = :k",
            ExpressionAttributeValues={":k": {"S": f"OWNER#{member}"}},
        )["Items"]
        return [int(i["number"]["N"]) for i in items]

    def make_room(self, member: str, free: int = 1) -> int:
        """Leave `member` at least `free` slots under their WIP limit, returning tickets other
        tests left with them to triage. The member's open count afterwards."""
        target = self.limits[member] - free
        for number in self.owned_by(member):
            if self.wip(member) <= target:
                break
            if self.view(number)["status"] in OWNED:
                self.act(number, "return-to-triage", member, {"reason": "e2e: making room"})
        count = self.wip(member)
        assert count <= target, (
            f"{member} still counts {count} open tickets (limit {self.limits[member]}), "
            f"owns {self.owned_by(member)}: the WIP counter disagrees with their tickets"
        )
        return count

    def finish(self, number: int, reason: str = "e2e: cleaning up") -> None:
        """Best effort: reject the ticket if it is still open (a triager may reject any open
        ticket), which releases its owner's WIP slot."""
        with contextlib.suppress(requests.RequestException):
            self.act(number, "reject", "mira", {"reason": reason})  # 409 when finished already


class Tickets:
    """Tickets a test files; whatever is still open at the end is rejected."""

    def __init__(self, api: Api):
        self.api = api
        self.numbers: list[int] = []

    def file(self, body: dict[str, Any] | None = None) -> Filed:
        filed = self.api.file(body or neutral_ticket_body())
        self.numbers.append(filed.number)
        return filed

    def triaged(self, body: dict[str, Any] | None = None) -> Filed:
        filed = self.file(body)
        self.api.wait_for_status(filed.number, {"triaged", "assigned", "needs-info"})
        return filed

    def track(self, *numbers: int) -> None:
        self.numbers.extend(numbers)

    def finish_all(self) -> None:
        for number in reversed(self.numbers):  # sub-tickets before their parents
            self.api.finish(number)


@pytest.fixture(scope="session")
def staff_tokens(running_stack) -> dict[str, str]:
    """member → staff token, as the session's stack printed them at start."""
    return eventually(
        lambda: parse_staff_tokens(running_stack.output()),
        timeout=15,
        what="the stack to print the staff tokens",
    )


@pytest.fixture(scope="session")
def api(stack, stack_info, staff_tokens, flow) -> Api:
    limits = {m.id: m.wip_limit for m in flow.team.members}
    return Api(stack, staff_tokens, limits, stack_info)


@pytest.fixture
def tickets(api) -> Iterator[Tickets]:
    held = Tickets(api)
    try:
        yield held
    finally:
        held.finish_all()


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
