"""A ticket that moved between the reads of two statuses of the public queue (each read at
its own moment; a snapshot or an index lagging its tickets) is shown once, as last read."""

from __future__ import annotations

import dataclasses

from services.domain.drafts import Requester
from services.domain.lifecycle import Status
from services.domain.ticket import Ticket
from services.intake.queue.reading import read_open
from tests.contract.builders import T0


class TwoMoments:
    """`new` read before triage moved ticket 7, `triaged` after."""

    def __init__(self):
        before = Ticket(
            number=7,
            type="general",
            title="Renew the VPN certificate",
            requirements="The certificate expires on the 30th.",
            requester=Requester(name="Rui Costa", email="rui@example.org"),
            created_at=T0,
            updated_at=T0,
            token_salt="7f3a",
            token_digest="c0ffee",
            version=2,
        )
        after = dataclasses.replace(before, status=Status.TRIAGED, version=3)
        self.reads = {Status.NEW: [before], Status.TRIAGED: [after]}

    def public(self, status, *, limit, newest_first):
        return self.reads.get(status, []), False


def test_a_ticket_read_under_two_statuses_is_shown_once_as_last_read():
    found, truncated = read_open(TwoMoments(), [Status.NEW, Status.TRIAGED])
    assert [(t.number, t.status) for t in found] == [(7, Status.TRIAGED)]
    assert truncated == []
