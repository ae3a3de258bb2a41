"""Staff actions over the JSON API for the end-to-end tests: the staff tokens the stack prints,
a client for staff and requesters, a look at the WIP counters, and cleanup (the api and
tickets fixtures of conftest.py)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import requests

from .support import eventually, ticket_body, unique

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
        # The index holds keys only: the ticket's number is in its partition key.
        return [int(i["pk"]["S"].removeprefix("TICKET#")) for i in items]

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


# -- the team as the staff tests use it --------------------------------------------------------

ENGINEER = "jonas"  # an engineer with no triager or bugmeister role, WIP limit 5
OTHER = "tomas"  # another plain engineer, WIP limit 4
TRIAGER = "mira"
EMAIL = {m: f"{m}@example.org" for m in ("mira", "tomas", "priya", "jonas", "ada")}


def kinds(view: dict) -> list[str]:
    return [h["kind"] for h in view["history"]]


def error(r: requests.Response) -> str:
    return r.json().get("error", "")
