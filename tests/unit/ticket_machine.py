"""A hypothesis state machine over the ticket life-cycle: a small team files tickets and acts
on them through the same use cases the API, the queues and the minute job call (filing,
triage, actions, the scheduler), on the in-memory repository. A refused action is fine (a
domain error; the step records it for `--hypothesis-show-statistics` and must leave the table
as it was); after every step the invariants of ticket_invariants.py must hold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, multiple, rule

from services.application import merging
from services.application.actions import perform
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.application.timers import SchedulerDeps, run_due
from services.application.triage import TriageDeps, triage
from services.domain.actors import Actor
from services.domain.errors import DomainError
from services.domain.flow import FlowConfig
from services.domain.lifecycle import OWNED, PREVIOUS, SAME, TRANSITIONS, Action, Status
from tests.conftest import valid_ticket
from tests.fakes import FixedClock
from tests.unit.ticket_invariants import RecordingRepository, TicketInvariants

SECRET = "s" * 48
STAFF = ("mira", "tomas", "priya", "ada")  # triager, engineer, bugmeister, admin among them
REQUESTERS = ("ana@example.org", "bob@example.org")
# Who acts: a team member, or the ticket's owner or escalatee (most actions are theirs).
ACTORS = st.sampled_from(("owner", "owner", "owner", "escalatee", *STAFF))
# Titles and requirements that triage routes to one engineer (dns: mira, mysql: priya,
# servers: tomas) or to nobody.
TOPICS = {
    "dns": ("Add a DNS record for the wiki", "A CNAME record for wiki.example.org in our zone"),
    "mysql": ("A MySQL replica for analytics", "A read replica of the wiki database for queries"),
    "servers": ("Rack two servers in eqiad", "Two servers racked and cabled in the eqiad rows"),
    "vague": ("Help with the thing", "Please help us with the thing we talked about"),
}
REASONS = ("waiting for the vendor", "needs a DBA")
RESOLVED_ALL = {"checked": [0, 1], "summary": "The replica runs"}
# The usual next step from each status after triage: (action, body, who takes it).
NEXT_STEP: dict[Status, tuple[str, dict, str]] = {
    Status.NEEDS_INFO: ("add-info", {"end_state": "The analysts query the replica"}, "requester"),
    Status.TRIAGED: ("take", {}, "engineer"),
    Status.ASSIGNED: ("start", {}, "owner"),
    Status.IN_PROGRESS: ("resolve", RESOLVED_ALL, "owner"),
    Status.POSTPONED: ("wake", {}, "owner"),
    Status.RESOLVED: ("confirm", {}, "requester"),
    Status.CLOSED: ("reopen", {"reason": "It broke again"}, "requester"),
    Status.REJECTED: ("reopen", {"reason": "It is still needed"}, "owner"),
}

# The life-cycle actions each operation may apply: triage asks for information, triages, or
# assigns an obvious owner; the requester's reply answers a needs-info ticket, wakes a
# postponed one and is a comment on a finished one; a reopening may wait for information; the
# minute job wakes, reminds and closes for want of an answer.
MAY_APPLY: dict[str, frozenset[Action]] = {a.value: frozenset({a}) for a in Action} | {
    "triage": frozenset({Action.TRIAGE, Action.TRIAGE_TO_OWNER, Action.REQUEST_INFO}),
    "confirm": frozenset({Action.CLOSE}),
    "reply": frozenset({Action.REPLY, Action.ANSWER, Action.WAKE, Action.COMMENT}),
    "reopen": frozenset({Action.REOPEN, Action.REOPEN_FOR_INFO, Action.REOPEN_TO_OWNER}),
    "scheduler": frozenset({Action.WAKE, Action.REMIND, Action.CLOSE}),
}


def allowed_by_table(
    actions: frozenset[Action], before: Status, after: Status, postponed_from: Status | None
) -> bool:
    """Whether one of `actions` may take a ticket from `before` to `after` (TRANSITIONS)."""
    for action in actions:
        sources, target = TRANSITIONS[action]
        if before not in sources:
            continue
        if target == SAME and after == before:
            return True
        if target == PREVIOUS and after == postponed_from and after in OWNED:
            return True
        if target == after:
            return True
    return False


class TicketLifecycle(TicketInvariants, RuleBasedStateMachine):
    """Tickets filed and acted on by the team; every rule goes through a use case."""

    tickets = Bundle("tickets")

    def __init__(self, flow: FlowConfig) -> None:
        super().__init__()
        members = tuple(
            m.model_copy(update={"wip_limit": min(m.wip_limit, 2)})
            for m in flow.team.members
            if m.id in STAFF
        )
        self.flow = flow.model_copy(
            update={"team": flow.team.model_copy(update={"members": members})}
        )
        self.repo = RecordingRepository()
        self.clock = FixedClock()
        self.deps = TicketDeps(self.repo, self.flow, self.clock, SECRET)
        self.staff = {m.id: Actor.staff(m) for m in members}
        self.housekeeping = set()

    # -- the one way a rule changes anything -------------------------------------------------

    def attempt(self, operation: str, change: Callable[[], object]) -> bool:
        """Run `change`; a domain refusal must leave the repository as it was. Every status
        change is checked with `check_transition`."""
        before = {n: (t.status, t.postponed_from) for n, t in self.repo.tickets.items()}
        state = self.state()
        try:
            change()
        except DomainError as refused:
            event(f"refused: {operation} ({type(refused).__name__})")
            assert self.state() == state, f"the refused {operation} changed the repository"
            return False
        for number, ticket in self.repo.tickets.items():
            if number in before and before[number][0] != ticket.status:
                self.check_transition(operation, before[number], ticket.status)
        return True

    def check_transition(
        self, operation: str, before: tuple[Status, Status | None], after: Status
    ) -> None:
        """TRANSITIONS is the single authority on every status change."""
        status, postponed_from = before
        assert allowed_by_table(MAY_APPLY[operation], status, after, postponed_from), (
            f"{operation} took a ticket from {status} to {after}: not in TRANSITIONS"
        )

    def state(self) -> tuple[dict[int, int | None], dict[int, int], dict[str, int]]:
        versions = {n: t.version for n, t in self.repo.tickets.items()}
        events = {n: len(es) for n, es in self.repo.events.items()}
        return versions, events, dict(self.repo.wip)

    def act(self, number: int, action: str, body: dict, actor: Actor | str) -> bool:
        if isinstance(actor, str):
            actor = self.member(number, actor)
        return self.attempt(action, lambda: perform(number, action, body, actor, self.deps))

    def member(self, number: int, who: str) -> Actor:
        ticket = self.repo.tickets[number]
        if who == "owner":
            who = ticket.owner or STAFF[0]
        elif who == "escalatee":
            who = ticket.escalation.to if ticket.escalation else STAFF[0]
        return self.staff[who]

    # -- filing and triage ------------------------------------------------------------------

    @rule(
        target=tickets,
        requester=st.sampled_from(REQUESTERS),
        topic=st.sampled_from(sorted(TOPICS)),
        complete=st.booleans(),
    )
    def file(self, requester: str, topic: str, complete: bool) -> int:
        today = self.clock.now().date()
        title, requirements = TOPICS[topic]
        data = valid_ticket(
            title=title,
            requirements=requirements,
            requester={"name": requester.split("@")[0].title(), "email": requester},
            drop_dead_date=(today + timedelta(days=30)).isoformat(),
            nice_to_have_date=(today + timedelta(days=14)).isoformat(),
        )
        if not complete:
            data["end_state"] = ""  # as mail files it: triage asks for it
        source = "api" if complete else "mail"
        return file_ticket(data, self.deps, source=source, require_complete=complete).ticket.number

    @rule(ticket=tickets)
    def triage(self, ticket: int) -> None:
        deps = TriageDeps(self.repo, self.flow, self.clock)
        self.attempt("triage", lambda: triage(ticket, deps))

    # -- staff actions ------------------------------------------------------------------------

    @rule(ticket=tickets, engineer=st.sampled_from(STAFF))
    def next_step(self, ticket: int, engineer: str) -> None:
        """The step a ticket in its status usually takes next, by whoever takes it: so that
        random sequences reach the later statuses often."""
        status = self.repo.tickets[ticket].status
        if status is Status.NEW:
            self.triage(ticket)
            return
        action, body, who = NEXT_STEP[status]
        if who == "requester":
            self.act(
                ticket, action, body, Actor.requester(self.repo.tickets[ticket].requester.email)
            )
        else:
            self.act(ticket, action, body, engineer if who == "engineer" else who)

    @rule(
        ticket=tickets,
        member=ACTORS,
        action=st.sampled_from(["take", "start", "accept-escalation", "close", "wake"]),
    )
    def plain_action(self, ticket: int, member: str, action: str) -> None:
        self.act(ticket, action, {}, member)

    @rule(
        ticket=tickets,
        member=ACTORS,
        action=st.sampled_from(["decline-escalation", "return-to-triage", "reject", "reopen"]),
        reason=st.sampled_from(REASONS),
    )
    def action_with_reason(self, ticket: int, member: str, action: str, reason: str) -> None:
        self.act(ticket, action, {"reason": reason}, member)

    @rule(
        ticket=tickets,
        member=ACTORS,
        owner=st.sampled_from(STAFF),
        override=st.booleans(),
    )
    def assign(self, ticket: int, member: str, owner: str, override: bool) -> None:
        body = {"owner": owner, "override_reason": "the outage needs them" if override else ""}
        self.act(ticket, "assign", body, member)

    @rule(
        ticket=tickets,
        member=ACTORS,
        eta_days=st.none() | st.integers(-1, 20),
        reason=st.sampled_from(("", *REASONS)),
        public=st.booleans(),
    )
    def update(
        self, ticket: int, member: str, eta_days: int | None, reason: str, public: bool
    ) -> None:
        eta = None if eta_days is None else self.clock.now().date() + timedelta(days=eta_days)
        body = {
            "message": "Ordered the parts",
            "eta": eta.isoformat() if eta else None,
            "reason": reason,
            "public": public,
        }
        self.act(ticket, "update", body, member)

    @rule(
        ticket=tickets,
        member=ACTORS,
        hours=st.integers(-1, 24 * 14),
        public=st.booleans(),
    )
    def postpone(self, ticket: int, member: str, hours: int, public: bool) -> None:
        until = self.clock.now() + timedelta(hours=hours)
        body = {"until": until.isoformat(), "reason": REASONS[0], "public": public}
        self.act(ticket, "postpone", body, member)

    @rule(ticket=tickets, member=ACTORS, to=st.sampled_from(STAFF))
    def escalate(self, ticket: int, member: str, to: str) -> None:
        self.act(ticket, "escalate", {"to": to, "reason": REASONS[1]}, member)

    @rule(ticket=tickets, member=ACTORS, checked_all=st.booleans())
    def resolve(self, ticket: int, member: str, checked_all: bool) -> None:
        body = RESOLVED_ALL if checked_all else {**RESOLVED_ALL, "checked": [0]}
        self.act(ticket, "resolve", body, member)

    @rule(ticket=tickets, other=tickets, member=ACTORS)
    def link(self, ticket: int, other: int, member: str) -> None:
        self.act(ticket, "link", {"depends_on": other}, member)

    @rule(ticket=tickets, into=tickets, member=ACTORS)
    def merge(self, ticket: int, into: int, member: str) -> None:
        """A duplicate merged into another ticket: both change in one save."""
        actor = self.member(ticket, member)
        self.attempt("merge", lambda: merging.merge(ticket, {"into": into}, actor, self.deps))

    @rule(
        target=tickets,
        ticket=tickets,
        member=ACTORS,
        owners=st.lists(st.none() | st.sampled_from(STAFF), min_size=1, max_size=2),
    )
    def split(self, ticket: int, member: str, owners: list[str | None]) -> object:
        children = [
            {"title": f"Part {i + 1}", "requirements": "One part of the parent's work", "owner": o}
            for i, o in enumerate(owners)
        ]
        known = set(self.repo.tickets)
        self.act(ticket, "split", {"children": children}, member)
        return multiple(*sorted(set(self.repo.tickets) - known))

    # -- the requester, the tool a ticket came from, and time ---------------------------------

    @rule(
        ticket=tickets,
        requester=st.sampled_from(REQUESTERS),
        action=st.sampled_from(["reply", "reopen", "confirm", "add-info"]),
    )
    def requester_action(self, ticket: int, requester: str, action: str) -> None:
        body = {
            "reply": {"message": "Any news?"},
            "reopen": {"reason": "It broke again"},
            "confirm": {},
            "add-info": {"end_state": "The analysts query the replica"},
        }[action]
        self.act(ticket, action, body, Actor.requester(requester))

    @rule(ticket=tickets)
    def withdraw(self, ticket: int) -> None:
        """The tool the ticket came from closed it, as inbound deliveries apply it."""

        def change() -> None:
            current = self.repo.get(ticket)
            now = self.clock.now()
            actor = Actor.source("github")
            self.repo.save(current, current.withdraw(now=now, actor=actor, reason="closed"))

        self.attempt("withdraw", change)

    @rule(hours=st.integers(1, 24 * 5))
    def minute_job(self, hours: int) -> None:
        """Time passes and the scheduler fires what is due; nothing due is left behind."""
        self.clock.advance(hours=hours)
        seen = {n: len(s) for n, s in self.repo.saves.items()}
        self.attempt("scheduler", lambda: run_due(SchedulerDeps(self.repo, self.flow, self.clock)))
        for number, saves in self.repo.saves.items():
            self.housekeeping |= {(number, v) for v, e in saves[seen.get(number, 0) :] if not e}
        now = self.clock.now()
        late = {
            n: t.timers
            for n, t in self.repo.tickets.items()
            if any(at <= now for at in t.timers.values())
        }
        assert not late, f"timers left due after the minute job: {late}"
