"""save_merge's contract, the same cases on the fake, on DynamoDB and on SQLite: a duplicate's
merge and the target's note of it are stored together or not at all, and the watchers and
the pointer read back."""

from __future__ import annotations

import pytest

from services.domain.errors import StaleVersion
from services.domain.lifecycle import Status
from services.domain.ticket import Change, WipChange

from .builders import event, stored, taken


def merged(duplicate, target, member: str | None = None) -> tuple[Change, Change]:
    """What Ticket.merge_into decides, built by hand: only the storage is under test."""
    duplicate.status, duplicate.merged_into = Status.CLOSED, target.number
    target.watchers = [*target.watchers, duplicate.requester.email]
    wip = (WipChange(member, -1),) if member else ()
    return (
        Change(event(duplicate, "ticket.merged"), wip=wip),
        Change(event(target, "ticket.duplicate-merged")),
    )


def test_a_merge_stores_both_tickets_their_events_and_the_wip_move_together(tickets, tag):
    member = f"merge-{tag}"
    duplicate = stored(tickets, email=f"dup-{tag}@example.org", watchers=["lee@example.org"])
    tickets.save(duplicate, taken(duplicate, member))
    target = stored(tickets)
    change, target_change = merged(duplicate, target, member)
    tickets.save_merge(duplicate, change, target, target_change)
    assert (duplicate.version, target.version) == (3, 2)
    assert tickets.get(duplicate.number) == duplicate
    assert tickets.get(target.number).watchers == [f"dup-{tag}@example.org"]
    assert tickets.get(duplicate.number).merged_into == target.number
    assert tickets.get(duplicate.number).watchers == ["lee@example.org"]
    assert [e.kind for e in tickets.history(duplicate.number)][-1] == "ticket.merged"
    assert [e.kind for e in tickets.history(target.number)] == [
        "ticket.filed",
        "ticket.duplicate-merged",
    ]
    assert tickets.open_counts([member]) == {member: 0}


@pytest.mark.parametrize("stale", ["duplicate", "target"])
def test_a_merge_over_a_stale_copy_of_either_ticket_stores_nothing(tickets, tag, stale):
    member = f"stale-merge-{stale}-{tag}"
    duplicate = stored(tickets)
    tickets.save(duplicate, taken(duplicate, member))
    target = stored(tickets)
    other = tickets.get(duplicate.number if stale == "duplicate" else target.number)
    tickets.save(other, Change(event(other)))  # someone else was first
    change, target_change = merged(duplicate, target, member)
    with pytest.raises(StaleVersion):
        tickets.save_merge(duplicate, change, target, target_change)
    assert tickets.get(duplicate.number).merged_into is None
    assert tickets.get(target.number).watchers == []
    assert "ticket.merged" not in [e.kind for e in tickets.history(duplicate.number)]
    assert "ticket.duplicate-merged" not in [e.kind for e in tickets.history(target.number)]
    assert tickets.open_counts([member]) == {member: 1}
