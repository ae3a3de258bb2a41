"""Starting work on a Ticket and updating it: only its owner, and every update with an ETA or
a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.domain import events as ev
from services.domain.errors import Forbidden, IllegalTransition, ValidationFailed
from services.domain.lifecycle import Status
from tests.unit.ticket_builders import EARLIER, NOW, TODAY, owned

# -- start and update ------------------------------------------------------------------------


def test_the_owner_starts_work(staff):
    ticket = owned(status=Status.ASSIGNED)
    change = ticket.start(now=NOW, actor=staff["tomas"])
    assert (ticket.status, ticket.status_since) == (Status.IN_PROGRESS, NOW)
    assert (change.event.kind, change.event.public, change.wip) == (ev.STARTED, True, ())
    assert change.event.data == {"from": "assigned", "to": "in-progress"}


@pytest.mark.parametrize("who", ["jonas", "mira", "priya", "ada"])
def test_nobody_but_the_owner_starts_work_not_even_an_admin(staff, who):
    ticket = owned(status=Status.ASSIGNED)
    with pytest.raises(Forbidden):
        ticket.start(now=NOW, actor=staff[who])
    assert ticket.status is Status.ASSIGNED


def test_work_in_progress_cannot_be_started_again(staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.IN_PROGRESS).start(now=NOW, actor=staff["tomas"])


def test_an_update_with_an_eta_sets_it_and_keeps_the_status(staff):
    ticket = owned()
    eta = TODAY + timedelta(days=3)
    change = ticket.update(
        now=NOW, actor=staff["tomas"], message="Disks ordered", eta=eta, reason="", public=True
    )
    assert ticket.eta == eta
    assert (ticket.status, ticket.status_since, ticket.updated_at) == (
        Status.IN_PROGRESS,
        EARLIER,
        NOW,
    )
    assert (change.event.kind, change.event.public) == (ev.UPDATED, True)
    assert change.event.data == {"message": "Disks ordered", "eta": eta.isoformat(), "reason": ""}


def test_an_internal_update_with_a_reason_needs_no_eta(staff):
    ticket = owned(eta=TODAY + timedelta(days=9))
    change = ticket.update(
        now=NOW,
        actor=staff["tomas"],
        message="",
        eta=None,
        reason="waiting for the vendor",
        public=False,
    )
    assert change.event.public is False
    assert change.event.data["reason"] == "waiting for the vendor"
    assert ticket.eta == TODAY + timedelta(days=9)  # a reason does not erase the ETA


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_update_without_an_eta_or_a_reason_is_refused(staff, reason):
    with pytest.raises(ValidationFailed) as e:
        owned().update(
            now=NOW, actor=staff["tomas"], message="Working", eta=None, reason=reason, public=True
        )
    assert set(e.value.errors) == {"eta", "reason"}


def test_an_eta_in_the_past_is_refused_and_today_is_fine(staff):
    ticket = owned()
    with pytest.raises(ValidationFailed) as e:
        ticket.update(
            now=NOW,
            actor=staff["tomas"],
            message="",
            eta=TODAY - timedelta(days=1),
            reason="",
            public=True,
        )
    assert set(e.value.errors) == {"eta"}
    assert ticket.eta is None
    ticket.update(now=NOW, actor=staff["tomas"], message="", eta=TODAY, reason="", public=True)
    assert ticket.eta == TODAY


def test_only_the_owner_updates(staff):
    with pytest.raises(Forbidden):
        owned().update(now=NOW, actor=staff["mira"], message="", eta=TODAY, reason="", public=True)


def test_a_resolved_ticket_takes_no_updates(staff):
    with pytest.raises(IllegalTransition):
        owned(status=Status.RESOLVED).update(
            now=NOW, actor=staff["tomas"], message="", eta=TODAY, reason="", public=True
        )
