"""The DeliveryLog's contract, the same cases on the fake, on DynamoDB and on SQLite: every
attempt of a delivery summed up, a delivery stays delivered, and the recent ones newest first."""

from __future__ import annotations

from services.domain.deliveries import DELIVERED, RETRYING, Attempt


def attempt(clock, ticket: int, delivery: str, state: str = RETRYING, **kwargs) -> Attempt:
    return Attempt(
        delivery_id=delivery,
        subscription="ops",
        ticket=ticket,
        event_id=f"ev-{delivery}",
        event_kind="ticket.filed",
        at=clock.now(),
        state=state,
        **kwargs,
    )


def test_attempts_are_summed_up_per_delivery(deliveries, tickets, clock, tag):
    n = tickets.next_number()
    first_at = clock.now()
    assert deliveries.state(n, tag) is None
    deliveries.record(attempt(clock, n, tag, status=503, error="unavailable"))
    clock.advance(minutes=1)
    deliveries.record(attempt(clock, n, tag, status=None, error="timed out"))
    assert deliveries.state(n, tag) == RETRYING
    [row] = deliveries.for_ticket(n)
    assert (row.id, row.ticket, row.event_id, row.subscription) == (tag, n, f"ev-{tag}", "ops")
    assert (row.attempts, row.last_status, row.last_error) == (2, None, "timed out")
    assert (row.first_at, row.updated_at, row.delivered_at) == (
        first_at,
        clock.now(),
        None,
    )


def test_a_delivery_stays_delivered(deliveries, tickets, clock, tag):
    n = tickets.next_number()
    deliveries.record(attempt(clock, n, tag, DELIVERED, status=200))
    delivered_at = clock.now()
    clock.advance(minutes=1)
    deliveries.record(attempt(clock, n, tag, status=500, error="late failure"))
    assert deliveries.state(n, tag) == DELIVERED
    [row] = deliveries.for_ticket(n)
    assert (row.attempts, row.last_status, row.last_error) == (1, 200, "")
    assert row.delivered_at == delivered_at
    assert deliveries.state(n, "never-tried") is None


def test_a_tickets_deliveries_are_newest_first(deliveries, tickets, clock, tag):
    n, other = tickets.next_number(), tickets.next_number()
    deliveries.record(attempt(clock, n, f"{tag}-a"))
    clock.advance(minutes=1)
    deliveries.record(attempt(clock, n, f"{tag}-b", DELIVERED, status=204))
    deliveries.record(attempt(clock, other, f"{tag}-c"))
    assert [r.id for r in deliveries.for_ticket(n)] == [f"{tag}-b", f"{tag}-a"]
    assert deliveries.for_ticket(tickets.next_number()) == []


def test_recent_deliveries_are_todays_and_yesterdays_newest_first(deliveries, tickets, clock, tag):
    n = tickets.next_number()
    clock.advance(days=30)  # days of their own, after every other case's
    deliveries.record(attempt(clock, n, f"{tag}-old"))
    clock.advance(days=2)
    deliveries.record(attempt(clock, n, f"{tag}-yesterday"))
    clock.advance(days=1)
    deliveries.record(attempt(clock, n, f"{tag}-today-1"))
    clock.advance(minutes=1)
    deliveries.record(attempt(clock, n, f"{tag}-today-2"))
    mine = [r.id for r in deliveries.recent() if r.id.startswith(tag)]
    assert mine == [f"{tag}-today-2", f"{tag}-today-1", f"{tag}-yesterday"]
    assert len(deliveries.recent(limit=2)) == 2
    clock.advance(days=2)
    assert [r for r in deliveries.recent() if r.id.startswith(tag)] == []
    assert [r.id for r in deliveries.for_ticket(n)][-1] == f"{tag}-old"
