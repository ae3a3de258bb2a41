"""WIP limits and ownership hold under real concurrent requests: two engineers taking one
ticket at once, or one engineer taking two tickets at once with one slot left, end with
exactly one winner; the loser gets a 409 that says why."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .staff_api import neutral_ticket_body

pytestmark = pytest.mark.e2e

ROUNDS = 5
RIVALS = ("jonas", "tomas")  # plain engineers, WIP limits 5 and 4
AT_LIMIT = "ada"  # WIP limit 2: one filler ticket leaves her one slot


def at_once(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    """Run the calls in threads released together by a barrier; their responses in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def file_triaged(api, tickets, count: int) -> list[int]:
    """`count` unowned, triaged tickets (filed first, then waited for, so triage overlaps)."""
    numbers = [tickets.file(neutral_ticket_body()).number for _ in range(count)]
    for number in numbers:
        view = api.wait_for_status(number, {"triaged", "assigned", "needs-info"})
        assert (view["status"], view["owner"]) == ("triaged", None), view
    return numbers


def assigned_events(view: dict) -> list[dict]:
    return [h for h in view["history"] if h["kind"] == "ticket.assigned"]


def give_back(api, number: int, member: str) -> None:
    """The winner returns the ticket to triage: unowned again, ready for the next round."""
    view = api.ok(number, "return-to-triage", member, {"reason": "e2e: next round"})
    assert (view["status"], view["owner"]) == ("triaged", None)


def test_two_engineers_taking_one_ticket_at_once_end_with_one_owner(api, tickets):
    for member in RIVALS:
        api.make_room(member, free=1)
    before = {m: api.wip(m) for m in RIVALS}
    [number] = file_triaged(api, tickets, 1)

    for lap in range(1, ROUNDS + 1):
        responses = at_once(*(lambda m=m: api.act(number, "take", m) for m in RIVALS))

        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 409], [(r.status_code, r.text) for r in responses]
        [won] = [m for m, r in zip(RIVALS, responses, strict=True) if r.status_code == 200]
        [lost] = [r for r in responses if r.status_code == 409]
        message = lost.json()["error"]
        assert "assigned" in message or "owned" in message, message
        view = api.view(number)
        assert (view["status"], view["owner"]) == ("assigned", won)
        events = assigned_events(view)
        assert len(events) == lap, events  # exactly one more per round
        assert (events[-1]["actor"], events[-1]["data"]["owner"]) == (f"staff:{won}", won)
        now = {m: api.wip(m) for m in RIVALS}
        assert now == {m: before[m] + (m == won) for m in RIVALS}, f"round {lap}: {won} won"

        give_back(api, number, won)
        assert {m: api.wip(m) for m in RIVALS} == before


def test_one_engineer_taking_two_tickets_at_once_with_one_slot_left_gets_one(api, tickets):
    limit = api.limits[AT_LIMIT]
    held = api.make_room(AT_LIMIT, free=1)
    # Fill them to exactly one below their limit: a triager may assign over it with a reason.
    fillers = file_triaged(api, tickets, limit - 1 - held)
    pair = file_triaged(api, tickets, 2)
    for number in fillers:
        api.ok(number, "assign", "mira", {"owner": AT_LIMIT, "override_reason": "e2e: filling"})
    assert api.wip(AT_LIMIT) == limit - 1

    for lap in range(1, ROUNDS + 1):
        responses = at_once(*(lambda n=n: api.act(n, "take", AT_LIMIT) for n in pair))

        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 409], [(r.status_code, r.text) for r in responses]
        [won] = [n for n, r in zip(pair, responses, strict=True) if r.status_code == 200]
        [lost] = [n for n in pair if n != won]
        message = next(r for r in responses if r.status_code == 409).json()["error"]
        assert "WIP limit" in message, message
        assert AT_LIMIT in message
        assert api.wip(AT_LIMIT) == limit, f"round {lap}"
        winner, loser = api.view(won), api.view(lost)
        assert (winner["status"], winner["owner"]) == ("assigned", AT_LIMIT)
        assert (loser["status"], loser["owner"]) == ("triaged", None)
        # Exactly one assignment per round, over both tickets.
        assert len(assigned_events(winner)) + len(assigned_events(loser)) == lap

        give_back(api, won, AT_LIMIT)
        assert api.wip(AT_LIMIT) == limit - 1
