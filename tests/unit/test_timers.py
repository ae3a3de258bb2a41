"""Which timers a ticket has pending: planned from its state and events, in hand-worked UTC.

The example team works 09:00-17:00 Europe/Amsterdam, Monday to Friday: 08:00-16:00 UTC in
winter (CET), 07:00-15:00 UTC in summer (CEST). Holidays: Fri 25 and Sat 26 December 2026,
Fri 1 January, Mon 5 April and Thu 27 May 2027. December 2026: Mon 14 ... Fri 18, Mon 21 ...
Thu 24, Mon 28 ... Thu 31; Mon 4 January 2027.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.domain import timers
from services.domain.actors import Actor
from services.domain.drafts import validate_draft
from services.domain.events import Event
from services.domain.lifecycle import Status
from services.domain.ticket import Change, Ticket
from services.domain.timers import DROP_DEAD_TRIAGER, WAKE, drop_dead_owner, plan
from tests.conftest import valid_ticket

DROP_DEAD_OWNER = drop_dead_owner("mira")  # the owner in these stories

ANA = Actor.requester("ana@example.org")
MON_14 = datetime(2026, 12, 14, 8, tzinfo=UTC)  # 09:00 in Amsterdam


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class Story:
    """A ticket and its events, changed only through the domain's own methods."""

    def __init__(self, flow, at: datetime, **overrides):
        self.flow = flow
        data = valid_ticket(**{"drop_dead_date": None, "nice_to_have_date": None, **overrides})
        draft = validate_draft(data, flow=flow, today=at.date())
        self.ticket, event = Ticket.file(
            number=1,
            draft=draft,
            ticket_type=flow.ticket_type(draft.type),
            now=at,
            token_salt="salt",
            token_digest="digest",
            source="api",
        )
        self.history: list[Event] = [event]

    def staff(self, member: str) -> Actor:
        return Actor.staff(self.flow.member(member))

    def do(self, change: Change) -> Story:
        if change.event is not None:
            self.history.append(change.event)
        return self

    def plan(self, now: datetime) -> dict[str, datetime]:
        return plan(self.ticket, self.history, self.flow, now)


def sla_only(planned: dict[str, datetime]) -> dict[str, datetime]:
    return {k: v for k, v in planned.items() if k.startswith("sla-")}


def drop_dead_only(planned: dict[str, datetime]) -> dict[str, datetime]:
    return {k: v for k, v in planned.items() if k.startswith("drop-dead:")}


# --- postponed -----------------------------------------------------------------------------


def test_a_postponed_ticket_plans_its_wake_and_keeps_its_drop_dead_reminder(flow):
    story = Story(flow, MON_14, drop_dead_date="2026-12-28")
    mira = story.staff("mira")
    story.do(story.ticket.take(now=MON_14, actor=mira))
    until = utc(2026, 12, 18, 9)
    story.do(
        story.ticket.postpone(
            now=utc(2026, 12, 14, 10), actor=mira, until=until, reason="vendor", public=True
        )
    )
    # The SLA clock is paused; a deadline does not wait for the wake (Tue 22 09:00 Amsterdam
    # is three working days before Mon 28, Fri 25 a holiday).
    assert story.plan(utc(2026, 12, 14, 10)) == {WAKE: until, DROP_DEAD_OWNER: utc(2026, 12, 22, 8)}


# --- SLA -----------------------------------------------------------------------------------


def test_a_running_sla_has_a_warning_and_a_breach_timer_per_target(flow):
    story = Story(flow, MON_14)  # new, nobody has answered
    assert story.plan(MON_14) == {
        # 80 % of 8 h = 6 h 24 min; the target at closing time.
        timers.sla_warn("first_response"): utc(2026, 12, 14, 14, 24),
        timers.sla_breach("first_response"): utc(2026, 12, 14, 16),
        # 64 h = 8 working days to Wed 23; 80 h = 10, to Mon 28 (Fri 25 a holiday).
        timers.sla_warn("resolution"): utc(2026, 12, 23, 16),
        timers.sla_breach("resolution"): utc(2026, 12, 28, 16),
    }


def test_the_planned_sla_timers_do_not_move_as_time_passes(flow):
    story = Story(flow, MON_14)
    assert story.plan(utc(2026, 12, 14, 12, 30)) == story.plan(MON_14)


def test_the_timer_names(flow):
    since = utc(2026, 12, 17, 9)
    assert timers.sla_warn("resolution") == "sla-warn:resolution"
    assert timers.sla_breach("first_response") == "sla-breach:first_response"
    assert timers.nudge(since) == "nudge:2026-12-17T09:00:00+00:00"
    assert timers.auto_close(since) == "auto-close:2026-12-17T09:00:00+00:00"


def test_a_paused_sla_has_no_timers(flow):
    story = Story(flow, MON_14)
    story.do(
        story.ticket.request_info(
            now=utc(2026, 12, 14, 10), missing=["capacity_needs"], actor=Actor.system("triage")
        )
    )
    planned = story.plan(utc(2026, 12, 14, 10))
    assert sla_only(planned) == {}
    assert {k.partition(":")[0] for k in planned} == {"nudge", "auto-close"}


def test_a_breached_sla_whose_breach_has_not_fired_gets_a_breach_timer_now(flow):
    story = Story(flow, MON_14)
    now = utc(2026, 12, 15, 12)  # Mon 8 h + Tue 09:00-13:00 in Amsterdam: 12 h > 8 h
    assert sla_only(story.plan(now)) == {
        timers.sla_breach("first_response"): now,
        timers.sla_warn("resolution"): utc(2026, 12, 23, 16),
        timers.sla_breach("resolution"): utc(2026, 12, 28, 16),
    }


def test_a_fired_breach_is_not_planned_again(flow):
    story = Story(flow, MON_14)
    now = utc(2026, 12, 15, 12)
    story.do(story.ticket.fire(timers.sla_breach("first_response"), now=now))
    assert story.ticket.sla_breached == ["first_response"]
    assert timers.sla_breach("first_response") not in story.plan(now)
    assert timers.sla_breach("first_response") not in story.plan(utc(2026, 12, 22, 12))


def test_a_fired_warning_does_not_come_back_after_a_reopen(flow):
    story = Story(flow, MON_14)
    mira = story.staff("mira")
    ticket = story.ticket
    story.do(ticket.take(now=MON_14, actor=mira))
    story.do(ticket.fire(timers.sla_warn("resolution"), now=utc(2026, 12, 23, 16)))
    story.do(
        ticket.resolve(
            now=utc(2026, 12, 24, 9, 30), actor=mira, checked=[0, 1], summary="", unfinished=[]
        )
    )
    story.do(ticket.reopen(now=utc(2026, 12, 28, 8), actor=ANA, reason="still lagging"))
    # 64 h ran to Wed 23 17:00 in Amsterdam, 1.5 h more on Thu 24 to the resolve at 10:30;
    # 14.5 h are left from the reopen, Mon 28 09:00: Mon 8 h, Tue 29 6.5 h -> 15:30 Amsterdam.
    assert sla_only(story.plan(utc(2026, 12, 28, 8))) == {
        timers.sla_breach("resolution"): utc(2026, 12, 29, 14, 30)
    }


# --- needs-info ----------------------------------------------------------------------------


def test_needs_info_nudges_after_3_and_closes_after_10_working_days(flow):
    story = Story(flow, utc(2026, 12, 17, 9))  # Thu 17, 10:00 in Amsterdam
    since = utc(2026, 12, 17, 9)
    story.do(story.ticket.request_info(now=since, missing=["x"], actor=story.staff("mira")))
    assert story.ticket.status_since == since
    assert story.plan(since) == {
        # Fri 18, Mon 21, Tue 22.
        timers.nudge(since): utc(2026, 12, 22, 9),
        # Fri 18, Mon 21-Thu 24 (5), Mon 28-Thu 31 (9), Mon 4 January (10).
        timers.auto_close(since): utc(2027, 1, 4, 9),
    }


def test_incident_follow_ups_nudge_after_2_and_close_after_5_working_days(flow):
    since = utc(2026, 12, 23, 9)  # Wed 23
    story = Story(flow, since, type="incident-followup")
    story.do(story.ticket.request_info(now=since, missing=["x"], actor=story.staff("mira")))
    assert story.plan(since) == {
        timers.nudge(since): utc(2026, 12, 28, 9),  # Thu 24, Mon 28
        timers.auto_close(since): utc(2026, 12, 31, 9),  # Tue 29, Wed 30, Thu 31
    }


def test_asking_again_plans_from_the_new_request(flow):
    story = Story(flow, utc(2026, 12, 17, 9))
    mira = story.staff("mira")
    ticket = story.ticket
    story.do(ticket.request_info(now=utc(2026, 12, 17, 9), missing=["x"], actor=mira))
    story.do(ticket.add_info(now=utc(2026, 12, 18, 9), actor=ANA, values={}))
    again = utc(2026, 12, 21, 9)  # Mon 21
    story.do(ticket.request_info(now=again, missing=["y"], actor=mira))
    assert story.plan(again) == {
        timers.nudge(again): utc(2026, 12, 24, 9),  # Tue 22, Wed 23, Thu 24
        # Tue 22-Thu 24 (3), Mon 28-Thu 31 (7), Mon 4-Wed 6 January (10).
        timers.auto_close(again): utc(2027, 1, 6, 9),
    }


def test_after_the_answer_there_is_no_nudge_and_no_auto_close(flow):
    story = Story(flow, utc(2026, 12, 17, 9))
    ticket = story.ticket
    story.do(ticket.request_info(now=utc(2026, 12, 17, 9), missing=["x"], actor=Actor.system("t")))
    story.do(ticket.add_info(now=utc(2026, 12, 18, 9), actor=ANA, values={}))
    planned = story.plan(utc(2026, 12, 18, 9))
    assert not [k for k in planned if k.startswith(("nudge:", "auto-close:"))]


# --- drop-dead -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drop_dead", "reminder"),
    [
        # Before Mon 28: Thu 24, Wed 23, Tue 22 (Fri 25 a holiday) -> Tue 22 09:00 Amsterdam.
        ("2026-12-28", utc(2026, 12, 22, 8)),
        # Before Mon 4 January: Thu 31, Wed 30, Tue 29 (Fri 1 January a holiday).
        ("2027-01-04", utc(2026, 12, 29, 8)),
        # Before Mon 31 May: Fri 28, Wed 26, Tue 25 (Thu 27 a holiday); summer time, UTC+2.
        ("2027-05-31", utc(2027, 5, 25, 7)),
    ],
)
def test_the_owner_is_reminded_three_working_days_before_the_drop_dead_date(
    flow, drop_dead, reminder
):
    story = Story(flow, MON_14, drop_dead_date=drop_dead)
    story.do(story.ticket.take(now=MON_14, actor=story.staff("mira")))
    assert drop_dead_only(story.plan(MON_14)) == {DROP_DEAD_OWNER: reminder}


def test_the_triagers_are_told_five_working_days_before_for_an_unowned_ticket(flow):
    story = Story(flow, MON_14, drop_dead_date="2026-12-28")
    # Before Mon 28: Thu 24, Wed 23, Tue 22, Mon 21, Fri 18 -> Fri 18 09:00 Amsterdam.
    assert drop_dead_only(story.plan(MON_14)) == {DROP_DEAD_TRIAGER: utc(2026, 12, 18, 8)}


def test_working_days_before_starts_at_the_opening_of_that_day(flow):
    assert timers.working_days_before(flow.calendar, date(2026, 12, 28), 5) == utc(2026, 12, 18, 8)


def test_a_fired_drop_dead_reminder_is_not_planned_again(flow):
    story = Story(flow, MON_14, drop_dead_date="2026-12-28")
    story.do(story.ticket.take(now=MON_14, actor=story.staff("mira")))
    story.do(story.ticket.fire(DROP_DEAD_OWNER, now=utc(2026, 12, 22, 8)))
    assert drop_dead_only(story.plan(utc(2026, 12, 22, 8))) == {}


# --- finished ------------------------------------------------------------------------------


def test_a_finished_ticket_plans_nothing(flow):
    story = Story(flow, MON_14, drop_dead_date="2026-12-28")
    mira = story.staff("mira")
    story.do(story.ticket.take(now=MON_14, actor=mira))
    story.do(
        story.ticket.resolve(
            now=utc(2026, 12, 14, 12), actor=mira, checked=[0, 1], summary="", unfinished=[]
        )
    )
    assert story.ticket.status is Status.RESOLVED
    assert story.plan(utc(2026, 12, 14, 12)) == {}
    assert story.plan(utc(2027, 1, 4, 12)) == {}  # not even long after every date


def test_an_auto_closed_ticket_plans_nothing(flow):
    since = utc(2026, 12, 17, 9)
    story = Story(flow, since, drop_dead_date="2027-01-29")
    story.do(story.ticket.request_info(now=since, missing=["x"], actor=story.staff("mira")))
    story.do(story.ticket.fire(timers.auto_close(since), now=utc(2027, 1, 4, 9)))
    assert story.ticket.status is Status.CLOSED
    assert story.plan(utc(2027, 1, 4, 9)) == {}
