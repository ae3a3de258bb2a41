"""The RT Flow life-cycle: every state, every action, and which action may leave which state.

The table is the single authority: the Ticket asks it before any change, so an illegal
transition is a domain error wherever it comes from (UI, API, a queue handler or a timer).
"""

from __future__ import annotations

from enum import StrEnum

from .errors import IllegalTransition


class Status(StrEnum):
    NEW = "new"
    NEEDS_INFO = "needs-info"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in-progress"
    POSTPONED = "postponed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


class Action(StrEnum):
    EDIT = "edit"  # a correction: domain/ticket/correcting.py
    REQUEST_INFO = "request-info"
    ASK_FOR_INFO = "ask-for-info"  # by hand: domain/ticket/asking.py
    ADD_INFO = "add-info"
    TRIAGE = "triage"
    TRIAGE_TO_OWNER = "triage-to-owner"
    TAKE = "take"
    ASSIGN = "assign"
    START = "start"
    UPDATE = "update"
    POSTPONE = "postpone"
    WAKE = "wake"
    ESCALATE = "escalate"
    ACCEPT_ESCALATION = "accept-escalation"
    DECLINE_ESCALATION = "decline-escalation"
    RETURN_TO_TRIAGE = "return-to-triage"
    SPLIT = "split"
    LINK = "link"
    REJECT = "reject"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    REOPEN_FOR_INFO = "reopen-for-info"
    REOPEN_TO_OWNER = "reopen-to-owner"
    CLOSE = "close"
    REMIND = "remind"
    REPLY = "reply"
    ANSWER = "answer"
    COMMENT = "comment"
    WITHDRAW = "withdraw"
    RESOLVE_AT_SOURCE = "resolve-at-source"  # the alert stopped: domain/ticket/ending.py
    # Watchers and merging (domain/ticket/watching.py, merging.py).
    WATCH = "watch"
    MERGE = "merge"
    MERGE_IN = "merge-in"


OPEN = frozenset(
    {
        Status.NEW,
        Status.NEEDS_INFO,
        Status.TRIAGED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.POSTPONED,
    }
)
OWNED = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
FINISHED = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})

# Marks a transition that keeps the current status, or (for WAKE) returns to the status the
# ticket had before it was postponed.
SAME = "same"
PREVIOUS = "previous"

# action -> (states it may leave, state it enters). Filing creates a ticket in NEW and is not
# a transition.
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status | str]] = {
    Action.REQUEST_INFO: (frozenset({Status.NEW, Status.TRIAGED}), Status.NEEDS_INFO),
    # A person asks the requester by hand, until work is done; an owner who asks gives the
    # ticket back (the answer comes through triage again).
    Action.ASK_FOR_INFO: (frozenset({Status.NEW, Status.TRIAGED, *OWNED}), Status.NEEDS_INFO),
    # A correction of what was asked (a field, the type, the private flag), in any status: a
    # finished ticket may still have to leave the public queue.
    Action.EDIT: (frozenset(Status), SAME),
    Action.ADD_INFO: (frozenset({Status.NEEDS_INFO}), Status.NEW),
    Action.TRIAGE: (frozenset({Status.NEW}), Status.TRIAGED),
    # Complete, with an obvious owner: assigned in the same step.
    Action.TRIAGE_TO_OWNER: (frozenset({Status.NEW}), Status.ASSIGNED),
    Action.TAKE: (frozenset({Status.NEW, Status.TRIAGED}), Status.ASSIGNED),
    Action.ASSIGN: (frozenset({Status.NEW, Status.TRIAGED, *OWNED}), Status.ASSIGNED),
    Action.START: (frozenset({Status.ASSIGNED}), Status.IN_PROGRESS),
    Action.UPDATE: (OWNED, SAME),
    Action.POSTPONE: (OWNED, Status.POSTPONED),
    Action.WAKE: (frozenset({Status.POSTPONED}), PREVIOUS),
    # Escalating names the engineer asked to take over; the owner changes when they accept.
    Action.ESCALATE: (OWNED, SAME),
    Action.ACCEPT_ESCALATION: (OWNED, Status.ASSIGNED),
    Action.DECLINE_ESCALATION: (OWNED, SAME),
    Action.RETURN_TO_TRIAGE: (OWNED | {Status.POSTPONED}, Status.TRIAGED),
    Action.SPLIT: (OPEN - {Status.POSTPONED}, SAME),
    Action.LINK: (OPEN, SAME),
    Action.REJECT: (OPEN, Status.REJECTED),
    Action.RESOLVE: (OWNED, Status.RESOLVED),
    Action.REOPEN: (FINISHED, Status.TRIAGED),
    # Closed for want of an answer: it goes back to waiting for that answer.
    Action.REOPEN_FOR_INFO: (FINISHED, Status.NEEDS_INFO),
    # Back to its last owner, who is still on the team and has room (else REOPEN: triage).
    Action.REOPEN_TO_OWNER: (FINISHED, Status.ASSIGNED),
    Action.CLOSE: (frozenset({Status.RESOLVED, Status.NEEDS_INFO}), Status.CLOSED),
    # A timer's reminder or warning: recorded on an open ticket, the status unchanged.
    Action.REMIND: (OPEN, SAME),
    # The requester writes to an open ticket (a postponed one wakes: see Ticket.reply).
    Action.REPLY: (OPEN - {Status.POSTPONED, Status.NEEDS_INFO}, SAME),
    # ... and to one waiting for information: a person reads the answer.
    Action.ANSWER: (frozenset({Status.NEEDS_INFO}), Status.TRIAGED),
    # A comment from another tool or a staff member's mail: history only, on any ticket.
    Action.COMMENT: (frozenset(Status), SAME),
    # The tool the ticket came from closed it (its issue closed): the request is gone.
    Action.WITHDRAW: (OPEN | {Status.RESOLVED}, Status.CLOSED),
    # The tool says it is over (its alert resolved): resolved, and reopened if it fires again.
    Action.RESOLVE_AT_SOURCE: (OPEN, Status.RESOLVED),
    # Who else hears of it may change whatever the status (a reopening reaches them too).
    Action.WATCH: (frozenset(Status), SAME),
    # A duplicate closes, pointing at the open ticket it was merged into, which keeps its
    # status and notes the merge.
    Action.MERGE: (OPEN, Status.CLOSED),
    Action.MERGE_IN: (OPEN, SAME),
}


def next_status(current: Status, action: Action, previous: Status | None = None) -> Status:
    """The status `action` leads to from `current`, or IllegalTransition."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise IllegalTransition(action.value, current.value)
    if target == SAME:
        return current
    if target == PREVIOUS:
        if previous is None or previous not in OWNED:
            raise IllegalTransition(action.value, current.value)
        return previous
    return Status(target)
