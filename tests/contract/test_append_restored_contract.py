"""`append_restored` (what `rtflow import-rt` writes for a ticket changed in RT since its
import), the same cases on the fake, DynamoDB and SQLite: the new state and the missing
events after the history, guarded by the version, the owner's WIP count following."""

from __future__ import annotations

import dataclasses

import pytest

from services.domain.events import Event
from services.domain.lifecycle import Status

from .builders import T0, minutes
from .test_moving_contract import exported, history

pytestmark = pytest.mark.fresh_table


def more(number: int, start: int, count: int) -> list[Event]:
    return [
        Event(
            ticket=number,
            kind="ticket.commented",
            at=T0 + minutes(start + i),
            actor="rt",
            public=False,
            data={"message": f"note {i}"},
        )
        for i in range(count)
    ]


def test_appended_events_follow_the_history_and_the_state_is_the_new_one(tickets):
    t = exported(1300, version=3)
    tickets.reserve_through(1300)
    assert tickets.restore(t, history(t, 3))
    read = tickets.get(1300)
    changed = dataclasses.replace(read, title="Renew the VPN certificate (and the CA)")
    added = more(1300, 10, 2)
    assert tickets.append_restored(changed, added) is True
    assert tickets.get(1300).title == "Renew the VPN certificate (and the CA)"
    assert tickets.get(1300).version == read.version + 2
    assert [e.id for e in tickets.history(1300)][-2:] == [e.id for e in added]
    assert len(tickets.history(1300)) == 5


def test_a_stale_version_writes_nothing(tickets):
    t = exported(1301, version=3)
    tickets.reserve_through(1301)
    assert tickets.restore(t, history(t, 3))
    read = tickets.get(1301)
    stale = dataclasses.replace(read, version=read.version - 1, title="Someone else's")
    assert tickets.append_restored(stale, more(1301, 10, 1)) is False
    assert tickets.get(1301).title == t.title
    assert len(tickets.history(1301)) == 3


def test_the_owner_wip_count_follows_the_new_state(tickets):
    t = exported(1302, owner="wip-ana", status=Status.IN_PROGRESS, version=3)
    tickets.reserve_through(1302)
    assert tickets.restore(t, history(t, 3))
    assert tickets.open_counts(["wip-ana"]) == {"wip-ana": 1}
    read = tickets.get(1302)
    moved = dataclasses.replace(read, owner="wip-bo")
    assert tickets.append_restored(moved, more(1302, 10, 1))
    assert tickets.open_counts(["wip-ana", "wip-bo"]) == {"wip-ana": 0, "wip-bo": 1}
    resolved = dataclasses.replace(tickets.get(1302), status=Status.RESOLVED)
    assert tickets.append_restored(resolved, [])
    assert tickets.open_counts(["wip-bo"]) == {"wip-bo": 0}
