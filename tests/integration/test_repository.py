"""The ticket repository on DynamoDB (moto), beyond the contract every implementation keeps
(tests/contract): the stored items, one transaction per change, an atomic counter."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from services.adapters.dynamo import event_key
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain.actors import Actor
from services.domain.errors import Conflict
from services.domain.events import TICKET_FILED
from services.domain.lifecycle import Status
from tests.conftest import valid_ticket


def file(container, **overrides):
    return file_ticket(
        valid_ticket(**overrides),
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    )


def raw_items(container, number):
    table = boto3.resource("dynamodb").Table(container.settings.table_name)
    return table.query(
        KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": f"TICKET#{number}"}
    )["Items"]


def test_a_filed_ticket_and_its_event_are_stored_together(container):
    filed = file(container)
    items = raw_items(container, filed.ticket.number)
    assert sorted(i["sk"].split("#")[0] for i in items) == ["EVENT", "META"]
    meta = next(i for i in items if i["sk"] == "META")
    assert meta["version"] == 1
    assert meta["status_key"] == "STATUS#new"
    assert meta["requester_key"] == "REQUESTER#ana@example.org"
    # In the sparse timer index at once, at its earliest timer: the filing planned its SLA
    # clocks (first response warned after 6 h 24 min of business hours, from 09:30).
    assert meta["timer_key"] == "TIMER"
    assert meta["timer_at"] == "2026-11-27T15:54:00.000000+00:00"
    assert filed.token not in str(meta)

    ticket = container.tickets.get(filed.ticket.number)
    assert ticket == filed.ticket
    [event] = container.tickets.history(ticket.number)
    assert event.kind == TICKET_FILED


def test_the_ticket_is_not_changed_when_its_event_cannot_be_written(container):
    number = file(container).ticket.number
    # Something already occupies the key of the next event: the transaction fails as a whole.
    table = boto3.resource("dynamodb").Table(container.settings.table_name)
    table.put_item(Item={"pk": f"TICKET#{number}", "sk": event_key(2)})
    ticket = container.tickets.get(number)
    with pytest.raises(Conflict):
        container.tickets.save(
            ticket,
            ticket.request_info(
                now=container.clock.now(), missing=["end_state"], actor=Actor.system("triage")
            ),
        )
    stored = container.tickets.get(number)
    assert (stored.status, stored.missing, stored.version) == (Status.NEW, [], 1)


@pytest.mark.slow  # threads racing on the emulator
def test_concurrent_filings_never_share_a_number(container):
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda _: file(container).ticket.number, range(40)))
    assert sorted(numbers) == list(range(1, 41))


@pytest.mark.slow  # threads racing on the emulator
def test_the_counter_alone_is_atomic_under_concurrency(container):
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda _: container.tickets.next_number(), range(200)))
    assert len(set(numbers)) == 200


def test_a_failed_check_is_reported_as_itself_whatever_order_the_items_are_sent_in(container):
    """pynamodb sends condition checks first and updates last; the error must still name the
    item that failed: an unfinished sub-ticket, not a stale version."""
    from services.domain.actors import Actor
    from services.domain.errors import NotDone

    parent = file(container).ticket
    child = file(container).ticket
    priya = Actor.staff(container.flow.member("priya"))
    now = container.clock.now()
    container.tickets.save(parent, parent.take(now=now, actor=priya))
    parent.children.append(child.number)  # the child is open
    change = parent.resolve(now=now, actor=priya, checked=[0, 1], summary="done", unfinished=[])
    assert change.require_finished == (child.number,) and change.wip  # a check and an update
    with pytest.raises(NotDone, match=f"#{child.number} is not finished"):
        container.tickets.save(parent, change)
