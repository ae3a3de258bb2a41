"""What must hold after any sequence of ticket actions (the state machine in ticket_machine.py
checks them after every step), and the fake table that records what each save wrote."""

from __future__ import annotations

from hypothesis.stateful import invariant

from services.domain import events as ev
from services.domain import timers
from services.domain.events import Event
from services.domain.inbound import Inbound
from services.domain.lifecycle import OPEN, OWNED, Status
from services.domain.ticket import Change, Ticket
from tests.fakes import FakeTicketRepository


class RecordingRepository(FakeTicketRepository):
    """The fake table, remembering each save: the version it created (an event's sort key in
    DynamoDB) and the event it wrote, if any."""

    def __init__(self) -> None:
        super().__init__()
        self.saves: dict[int, list[tuple[int, Event | None]]] = {}

    def save(
        self,
        ticket: Ticket,
        change: Change | Event,
        *,
        receipt: Inbound | None = None,
        thread: str = "",
    ) -> None:
        super().save(ticket, change, receipt=receipt, thread=thread)
        self._record(ticket, change if isinstance(change, Change) else Change(change))

    def save_split(
        self, parent: Ticket, change: Change, children: list[tuple[Ticket, Change]]
    ) -> None:
        super().save_split(parent, change, children)
        for ticket, c in [(parent, change), *children]:
            self._record(ticket, c)

    def save_merge(
        self, duplicate: Ticket, change: Change, target: Ticket, target_change: Change
    ) -> None:
        super().save_merge(duplicate, change, target, target_change)
        self._record(duplicate, change)
        self._record(target, target_change)

    def _record(self, ticket: Ticket, change: Change) -> None:
        version = self.tickets[ticket.number].version
        assert version is not None
        self.saves.setdefault(ticket.number, []).append((version, change.event))


class TicketInvariants:
    """The invariants, as a mixin of the state machine that owns `repo` and `housekeeping`."""

    repo: RecordingRepository
    # (ticket, version) saved by the minute job's housekeeping: a re-plan writes no event.
    housekeeping: set[tuple[int, int]]

    @invariant()
    def wip_counters_count_the_open_tickets_each_member_owns(self) -> None:
        owned: dict[str, int] = {}
        for t in self.repo.tickets.values():
            if t.is_open and t.owner:
                owned[t.owner] = owned.get(t.owner, 0) + 1
        counters = {m: n for m, n in self.repo.wip.items() if n}
        assert counters == owned

    @invariant()
    def each_version_writes_one_event_but_the_minute_jobs_re_plans(self) -> None:
        for number, ticket in self.repo.tickets.items():
            saves = self.repo.saves[number]
            assert [v for v, _ in saves] == list(range(1, (ticket.version or 0) + 1))
            history = self.repo.history(number)
            assert [e for _, e in saves if e is not None] == history
            assert {(number, v) for v, e in saves if e is None} <= self.housekeeping
            assert all(e.ticket == number for e in history)

    @invariant()
    def postponement_is_set_exactly_while_postponed(self) -> None:
        for number, t in self.repo.tickets.items():
            if t.status is Status.POSTPONED:
                assert t.postponed_from in OWNED and t.owner
                assert t.postponed_until is not None
                assert t.timers.get(timers.WAKE) == t.postponed_until
                last = [e for e in self.repo.history(number) if "from" in e.data][-1]
                assert last.data["until"] == t.postponed_until.isoformat()
                assert last.data["reason"]
            else:
                assert (t.postponed_from, t.postponed_until, t.postponed_public) == (
                    None,
                    None,
                    False,
                )
                assert timers.WAKE not in t.timers

    @invariant()
    def the_history_explains_the_status(self) -> None:
        for number, t in self.repo.tickets.items():
            history = self.repo.history(number)
            status = self._filed_as(history[0])
            since = t.created_at
            for e in history[1:]:
                if "from" in e.data:
                    assert e.data["from"] == status.value
                    status, since = Status(e.data["to"]), e.at
            assert (status, since) == (t.status, t.status_since)

    @staticmethod
    def _filed_as(filed: Event) -> Status:
        """A ticket is filed new; a sub-ticket triaged, or assigned to the owner it was given."""
        if filed.data.get("source") != "split":
            return Status.NEW
        return Status.ASSIGNED if "owner" in filed.data else Status.TRIAGED

    @invariant()
    def owner_and_escalation_follow_the_status(self) -> None:
        for t in self.repo.tickets.values():
            if t.status in OWNED | {Status.POSTPONED}:
                assert t.owner is not None
            elif t.status in OPEN:
                assert t.owner is None
            if t.escalation is not None:
                assert t.status in OWNED | {Status.POSTPONED}
                assert t.escalation.by == t.owner != t.escalation.to

    @invariant()
    def the_last_public_step_and_fired_timers_are_kept(self) -> None:
        for number, t in self.repo.tickets.items():
            history = self.repo.history(number)
            public = [e for e in history if e.public]
            # As the public queue reads it: a sub-ticket stores no last update until its first
            # public step, and shows its filing (services/intake/queue/reading.py).
            shown = (t.last_update_at or t.created_at, t.last_update or public[0].summary)
            assert shown == (public[-1].at, public[-1].summary)
            assert t.updated_at == history[-1].at
            assert not set(t.timers) & set(t.fired)

    @invariant()
    def sub_tickets_and_dependencies_form_no_cycle(self) -> None:
        tickets = self.repo.tickets
        for number, t in tickets.items():
            assert all(tickets[c].parent == number for c in t.children)
            if t.parent is not None:
                assert number in tickets[t.parent].children
        done: set[int] = set()
        for start in tickets:
            path: list[int] = []
            self._walk(start, path, done)

    def _walk(self, number: int, path: list[int], done: set[int]) -> None:
        assert number not in path, f"tickets wait for each other: {[*path, number]}"
        if number in done:
            return
        t = self.repo.tickets[number]
        for n in (*t.children, *t.depends_on):
            self._walk(n, [*path, number], done)
        done.add(number)

    @invariant()
    def reopening_waits_for_information_only_after_closing_for_want_of_it(self) -> None:
        """A reopened ticket goes back to triaged, or to needs-info when it was closed for want
        of an answer (closed while it waited for one)."""
        for number in self.repo.tickets:
            moves = [e for e in self.repo.history(number) if "from" in e.data]
            for finished, reopened in zip(moves, moves[1:], strict=False):
                if reopened.kind == ev.REOPENED and reopened.data["to"] == Status.NEEDS_INFO:
                    assert (finished.data["from"], finished.data["to"]) == (
                        Status.NEEDS_INFO,
                        Status.CLOSED,
                    ), f"#{number} reopened to needs-info after {finished.kind}"
