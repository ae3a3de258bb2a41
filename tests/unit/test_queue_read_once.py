"""The open public queue is one read of every open status at once (the index's open
partition), so a ticket that moved between two statuses is in it once, in the status it has
now; before, each status was its own read and such a ticket could come from two."""

from __future__ import annotations

import dataclasses

from services.domain.drafts import Requester
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket
from services.intake.queue.reading import READ_CAP, read_open
from services.intake.queue.snapshot import OpenSnapshot
from tests.contract.builders import T0


def ticket(number: int, status: Status) -> Ticket:
    return Ticket(
        number=number,
        type="general",
        title="Renew the VPN certificate",
        requirements="The certificate expires on the 30th.",
        requester=Requester(name="Rui Costa", email="rui@example.org"),
        created_at=T0,
        updated_at=T0,
        token_salt="7f3a",
        token_digest="c0ffee",
        status=status,
        version=2,
    )


class OneRead:
    """The open partition as one read returns it; a read of one status is a mistake here."""

    def __init__(self, more: bool = False):
        self.reads: list[tuple[int, bool]] = []
        self.more = more
        moved = dataclasses.replace(ticket(7, Status.NEW), status=Status.TRIAGED, version=3)
        self.found = [moved, ticket(8, Status.NEW), ticket(9, Status.POSTPONED)]

    def public_open(self, *, limit, newest_first):
        self.reads.append((limit, newest_first))
        return list(self.found), self.more

    def public(self, *args, **kwargs):
        raise AssertionError("open statuses are read together, not one by one")


def test_the_open_statuses_are_one_read_and_a_ticket_comes_once_in_its_status():
    repo = OneRead()
    found, truncated = read_open(repo, [Status.NEW, Status.TRIAGED])
    assert [(t.number, t.status) for t in found] == [(7, Status.TRIAGED), (8, Status.NEW)]
    assert truncated == [] and repo.reads == [(READ_CAP, False)]


def test_a_cut_read_names_every_status_asked_for():
    _, truncated = read_open(OneRead(more=True), [Status.POSTPONED, Status.NEW])
    assert truncated == [Status.POSTPONED, Status.NEW]


def test_the_snapshot_keeps_the_one_read_for_every_view_until_it_ages():
    repo, clock = OneRead(), [0.0]
    snapshot = OpenSnapshot(repo, max_age=2.0, now=lambda: clock[0])
    read_open(snapshot, [Status.NEW])
    read_open(snapshot, [Status.TRIAGED, Status.POSTPONED])
    assert repo.reads == [(READ_CAP, False)]
    read_open(snapshot, [Status.NEW], newest_first=True)  # the other order is its own read
    clock[0] = 2.5
    read_open(snapshot, [Status.NEW])
    snapshot.drop()
    read_open(snapshot, [Status.NEW])
    oldest, newest = (READ_CAP, False), (READ_CAP, True)
    assert repo.reads == [oldest, newest, oldest, oldest]  # aged, then dropped
