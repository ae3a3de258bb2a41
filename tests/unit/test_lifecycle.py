"""Every legal transition leads where DESIGN.md says; every other one is refused."""

from __future__ import annotations

import pytest

from services.domain.errors import IllegalTransition
from services.domain.lifecycle import Action, Status, next_status

S = Status
# Written out by hand from the life-cycle in DESIGN.md, independently of TRANSITIONS.
LEGAL: dict[tuple[Action, Status], Status] = {
    (Action.REQUEST_INFO, S.NEW): S.NEEDS_INFO,
    (Action.REQUEST_INFO, S.TRIAGED): S.NEEDS_INFO,
    **{
        (Action.ASK_FOR_INFO, s): S.NEEDS_INFO
        for s in (S.NEW, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS)
    },
    **{(Action.EDIT, s): s for s in Status},
    (Action.ADD_INFO, S.NEEDS_INFO): S.NEW,
    (Action.TRIAGE, S.NEW): S.TRIAGED,
    (Action.TRIAGE_TO_OWNER, S.NEW): S.ASSIGNED,
    (Action.TAKE, S.NEW): S.ASSIGNED,
    (Action.TAKE, S.TRIAGED): S.ASSIGNED,
    (Action.ASSIGN, S.NEW): S.ASSIGNED,
    (Action.ASSIGN, S.TRIAGED): S.ASSIGNED,
    (Action.ASSIGN, S.ASSIGNED): S.ASSIGNED,
    (Action.ASSIGN, S.IN_PROGRESS): S.ASSIGNED,
    (Action.START, S.ASSIGNED): S.IN_PROGRESS,
    (Action.UPDATE, S.ASSIGNED): S.ASSIGNED,
    (Action.UPDATE, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.POSTPONE, S.ASSIGNED): S.POSTPONED,
    (Action.POSTPONE, S.IN_PROGRESS): S.POSTPONED,
    (Action.ESCALATE, S.ASSIGNED): S.ASSIGNED,
    (Action.ESCALATE, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.ACCEPT_ESCALATION, S.ASSIGNED): S.ASSIGNED,
    (Action.ACCEPT_ESCALATION, S.IN_PROGRESS): S.ASSIGNED,
    (Action.DECLINE_ESCALATION, S.ASSIGNED): S.ASSIGNED,
    (Action.DECLINE_ESCALATION, S.IN_PROGRESS): S.IN_PROGRESS,
    (Action.RETURN_TO_TRIAGE, S.ASSIGNED): S.TRIAGED,
    (Action.RETURN_TO_TRIAGE, S.IN_PROGRESS): S.TRIAGED,
    (Action.RETURN_TO_TRIAGE, S.POSTPONED): S.TRIAGED,
    **{(Action.SPLIT, s): s for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS)},
    **{
        (Action.LINK, s): s
        for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
    },
    **{
        (Action.REJECT, s): S.REJECTED
        for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
    },
    (Action.RESOLVE, S.ASSIGNED): S.RESOLVED,
    (Action.RESOLVE, S.IN_PROGRESS): S.RESOLVED,
    (Action.REOPEN, S.RESOLVED): S.TRIAGED,
    (Action.REOPEN, S.CLOSED): S.TRIAGED,
    (Action.REOPEN, S.REJECTED): S.TRIAGED,
    (Action.REOPEN_FOR_INFO, S.RESOLVED): S.NEEDS_INFO,
    (Action.REOPEN_FOR_INFO, S.CLOSED): S.NEEDS_INFO,
    (Action.REOPEN_FOR_INFO, S.REJECTED): S.NEEDS_INFO,
    (Action.REOPEN_TO_OWNER, S.RESOLVED): S.ASSIGNED,
    (Action.REOPEN_TO_OWNER, S.CLOSED): S.ASSIGNED,
    (Action.REOPEN_TO_OWNER, S.REJECTED): S.ASSIGNED,
    **{
        (Action.REMIND, s): s
        for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
    },
    **{(Action.REPLY, s): s for s in (S.NEW, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS)},
    (Action.ANSWER, S.NEEDS_INFO): S.TRIAGED,
    (Action.CLOSE, S.RESOLVED): S.CLOSED,
    (Action.CLOSE, S.NEEDS_INFO): S.CLOSED,
    **{(Action.COMMENT, s): s for s in Status},
    **{
        (Action.WITHDRAW, s): S.CLOSED
        for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
    },
    (Action.WITHDRAW, S.RESOLVED): S.CLOSED,
    **{
        (Action.RESOLVE_AT_SOURCE, s): S.RESOLVED
        for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
    },
    **{(Action.WATCH, s): s for s in Status},
    **{
        (Action.MERGE, s): S.CLOSED
        for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
    },
    **{
        (Action.MERGE_IN, s): s
        for s in (S.NEW, S.NEEDS_INFO, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
    },
}

ALL_PAIRS = [(a, s) for a in Action if a is not Action.WAKE for s in Status]


@pytest.mark.parametrize(("action", "status"), ALL_PAIRS, ids=lambda x: str(x))
def test_each_action_from_each_status_is_legal_exactly_as_designed(action, status):
    if (action, status) in LEGAL:
        assert next_status(status, action) == LEGAL[(action, status)]
    else:
        with pytest.raises(
            IllegalTransition, match=f"cannot {action.value} a ticket that is {status.value}"
        ):
            next_status(status, action)


@pytest.mark.parametrize("before", [S.ASSIGNED, S.IN_PROGRESS])
def test_waking_returns_a_postponed_ticket_to_where_it_was(before):
    assert next_status(S.POSTPONED, Action.WAKE, previous=before) == before


@pytest.mark.parametrize("status", [s for s in Status if s is not S.POSTPONED])
def test_only_a_postponed_ticket_can_wake(status):
    with pytest.raises(IllegalTransition):
        next_status(status, Action.WAKE, previous=S.ASSIGNED)


def test_waking_without_knowing_the_previous_state_is_refused():
    with pytest.raises(IllegalTransition):
        next_status(S.POSTPONED, Action.WAKE, previous=None)


def test_final_states_only_reopen_or_record_a_comment_watcher_or_edit():
    for status in (S.CLOSED, S.REJECTED):
        legal = {a for (a, s) in LEGAL if s == status}
        reopening = {Action.REOPEN, Action.REOPEN_FOR_INFO, Action.REOPEN_TO_OWNER}
        assert legal == {
            *reopening,
            Action.COMMENT,
            Action.WATCH,
            Action.EDIT,
        }
        for action in legal - reopening:
            assert next_status(status, action) == status  # history only, never a way out
