"""SLA clocks from a ticket's events, against hand-worked cases.

The example team works 09:00-17:00 Europe/Amsterdam, Monday to Friday (CET, UTC+1, in
December), with holidays on Fri 25 and Sat 26 December 2026 and Fri 1 January 2027.
December 2026: Mon 14 ... Fri 18, Sat 19, Sun 20, Mon 21 ... Thu 24, Fri 25 (holiday),
Mon 28 ... Thu 31; Fri 1 January 2027 (holiday), Mon 4 January.

A `general` ticket promises a first response in 8 business hours and a resolution in 10
working days (80 business hours), warning at 80 %; an `incident-followup` counts wall-clock,
24 h and 14 days, warning at 75 %.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.domain import events as ev
from services.domain.actors import Actor
from services.domain.drafts import validate_draft
from services.domain.events import Event
from services.domain.sla import evaluate
from services.domain.ticket import Ticket
from services.domain.timers import DROP_DEAD_TRIAGER
from tests.conftest import valid_ticket
from tests.unit.sla_builders import (
    ANA,
    HOUR,
    MIRA,
    SCHEDULER,
    ams,
    filed,
    moved,
    note,
    states,
    utc,
)


@pytest.fixture
def general(flow):
    """(targets, calendar, warn share) of the general type: business hours."""
    sla = flow.ticket_type("general").sla
    return sla.targets(flow.calendar), flow.calendar, sla.warn_at


@pytest.fixture
def followup(flow):
    """(targets, calendar, warn share) of incident follow-ups: wall-clock, no calendar."""
    sla = flow.ticket_type("incident-followup").sla
    assert not sla.business_hours
    return sla.targets(flow.calendar), None, sla.warn_at


# --- the policy as configured -------------------------------------------------------------


def test_the_example_targets_are_8_business_hours_and_10_working_days(general, followup):
    assert general[0] == {"first_response": 8 * HOUR, "resolution": 80 * HOUR}
    assert general[2] == 0.8
    assert followup[0] == {"first_response": 24 * HOUR, "resolution": 14 * 24 * HOUR}
    assert followup[2] == 0.75


def test_a_history_without_a_filed_event_has_no_clocks(general):
    targets, calendar, warn = general
    assert evaluate([], targets, calendar, utc(2026, 12, 14, 12), warn) == []


# --- business hours ------------------------------------------------------------------------


def test_business_hours_skip_the_weekend(general):
    # Fri 18 16:00-17:00 (1 h) + Mon 21 09:00-17:00 (8 h) + Tue 22 09:00-10:00 (1 h) = 10 h.
    result = states([filed(ams(2026, 12, 18, 16))], general, ams(2026, 12, 22, 10))
    assert result["resolution"].elapsed_seconds == 10 * HOUR
    assert result["resolution"].state == "running"
    assert result["first_response"].elapsed_seconds == 10 * HOUR
    assert result["first_response"].state == "breached"  # 10 h >= 8 h, nobody answered


def test_christmas_holidays_have_no_business_hours(general):
    # Thu 24 16:00-17:00 (1 h); Fri 25 and Sat 26 holidays, Sun 27; Mon 28 09:00-10:00 (1 h).
    result = states([filed(ams(2026, 12, 24, 16))], general, ams(2026, 12, 28, 10))
    assert result["resolution"].elapsed_seconds == 2 * HOUR
    assert result["first_response"].state == "running"


def test_new_years_day_has_no_business_hours(general):
    # Thu 31 15:30-17:00 (1.5 h); Fri 1 January a holiday; Mon 4 09:00-09:45 (0.75 h).
    result = states([filed(ams(2026, 12, 31, 15, 30))], general, ams(2027, 1, 4, 9, 45))
    assert result["resolution"].elapsed_seconds == 2.25 * HOUR


def test_a_ticket_filed_at_the_weekend_starts_its_clock_on_monday_morning(general):
    result = states([filed(ams(2026, 12, 19, 11))], general, ams(2026, 12, 21, 9))
    first = result["first_response"]
    assert first.elapsed_seconds == 0
    assert first.state == "running"
    assert first.due == ams(2026, 12, 21, 17)  # a full 8 h working day, Monday
    assert first.warn_at == ams(2026, 12, 21, 15, 24)  # 80 % of 8 h = 6 h 24 min


# --- pauses --------------------------------------------------------------------------------


def waiting_and_postponed() -> list[Event]:
    """Mon 14 09:00 filed; 11:00 info requested; Wed 16 14:00 the requester answers; 15:00
    assigned; Thu 17 10:00 postponed until Mon 21 09:00, when it wakes."""
    return [
        filed(ams(2026, 12, 14, 9)),
        moved(ams(2026, 12, 14, 11), "new", "needs-info", kind=ev.INFO_REQUESTED),
        moved(ams(2026, 12, 16, 14), "needs-info", "new", kind=ev.INFO_ADDED, actor=ANA),
        moved(ams(2026, 12, 16, 15), "new", "assigned", kind=ev.ASSIGNED),
        moved(ams(2026, 12, 17, 10), "assigned", "postponed", kind=ev.POSTPONED, public=False),
        moved(
            ams(2026, 12, 21, 9),
            "postponed",
            "assigned",
            kind=ev.WOKEN,
            actor=SCHEDULER,
            public=False,
        ),
    ]


def test_the_clock_pauses_while_the_ticket_waits_for_information(general):
    history = waiting_and_postponed()[:2]
    result = states(history, general, ams(2026, 12, 15, 12))
    resolution = result["resolution"]
    assert resolution.elapsed_seconds == 2 * HOUR  # Mon 09:00-11:00, then nothing
    assert (resolution.state, resolution.due, resolution.warn_at) == ("paused", None, None)


def test_the_clock_pauses_while_the_ticket_is_postponed(general):
    history = waiting_and_postponed()[:5]
    resolution = states(history, general, ams(2026, 12, 18, 12))["resolution"]
    # Mon 09-11 (2 h) + Wed 14-17 (3 h) + Thu 09-10 (1 h); not Thu 10:00 onwards, not Friday.
    assert resolution.elapsed_seconds == 6 * HOUR
    assert resolution.state == "paused"


def test_the_clock_runs_again_after_the_pauses_from_where_it_stopped(general):
    resolution = states(waiting_and_postponed(), general, ams(2026, 12, 21, 12))["resolution"]
    # 2 h + 3 h + 1 h before the postponement, then Mon 21 09:00-12:00 (3 h).
    assert resolution.elapsed_seconds == 9 * HOUR
    assert resolution.state == "running"
    # 71 h left from Mon 21 12:00: Mon 5, Tue 22-Thu 24 24 (29), no Fri 25, Mon 28-Thu 31 32
    # (61), no Fri 1 Jan, Mon 4 Jan 8 (69), and 2 h on Tue 5 January.
    assert resolution.due == ams(2027, 1, 5, 11)
    # The warning at 64 h, 55 h on: Mon 5, Tue-Thu 24 (29), Mon 28-Wed 30 (53), Thu 31 2 h.
    assert resolution.warn_at == ams(2026, 12, 31, 11)


# --- first response ------------------------------------------------------------------------


def test_the_first_response_clock_stops_at_the_first_public_step_by_staff(general):
    history = [
        filed(ams(2026, 12, 14, 9)),
        # The triage service is not a person, an internal note is not a response, and the
        # requester writing again is not one either.
        Event(1, ev.TRIAGED, ams(2026, 12, 14, 9, 5), "system:triage", True, {"to": "triaged"}),
        note(ams(2026, 12, 14, 10), actor=MIRA, public=False),
        note(ams(2026, 12, 14, 11), actor=ANA, public=True),
        note(ams(2026, 12, 14, 12, 30), actor=MIRA, public=True),  # this one
        note(ams(2026, 12, 14, 14), actor="staff:tomas", public=True),
    ]
    first = states(history, general, ams(2026, 12, 15, 15))["first_response"]
    assert first.elapsed_seconds == 3.5 * HOUR  # 09:00-12:30
    assert (first.state, first.due, first.warn_at) == ("met", None, None)


def test_a_first_response_after_the_target_is_recorded_as_breached(general):
    history = [filed(ams(2026, 12, 14, 9)), note(ams(2026, 12, 15, 10), actor=MIRA, public=True)]
    first = states(history, general, ams(2026, 12, 16, 12))["first_response"]
    assert first.elapsed_seconds == 9 * HOUR  # Mon 8 h + Tue 09:00-10:00
    assert first.state == "breached"


def test_a_request_for_information_by_staff_is_a_first_response(general):
    first = states(waiting_and_postponed()[:2], general, ams(2026, 12, 18, 12))["first_response"]
    assert (first.elapsed_seconds, first.state) == (2 * HOUR, "met")


# --- resolution and reopen -----------------------------------------------------------------


def resolved_then_reopened() -> list[Event]:
    """Mon 14 09:00 filed, 10:00 assigned, Tue 15 12:00 resolved, Thu 17 10:00 reopened."""
    return [
        filed(ams(2026, 12, 14, 9)),
        moved(ams(2026, 12, 14, 10), "new", "assigned", kind=ev.ASSIGNED),
        moved(ams(2026, 12, 15, 12), "assigned", "resolved", kind=ev.RESOLVED),
        moved(ams(2026, 12, 17, 10), "resolved", "triaged", kind=ev.REOPENED, actor=ANA),
    ]


def test_the_resolution_clock_stops_at_resolved(general):
    result = states(resolved_then_reopened()[:3], general, ams(2026, 12, 17, 9))
    resolution = result["resolution"]
    assert resolution.elapsed_seconds == 11 * HOUR  # Mon 8 h + Tue 09:00-12:00
    assert (resolution.state, resolution.due, resolution.warn_at) == ("met", None, None)
    assert result["first_response"].elapsed_seconds == 1 * HOUR
    assert result["first_response"].state == "met"


def test_a_reopen_runs_the_resolution_clock_again_from_where_it_stopped(general):
    result = states(resolved_then_reopened(), general, ams(2026, 12, 17, 13))
    resolution = result["resolution"]
    assert resolution.elapsed_seconds == 14 * HOUR  # 11 h, then Thu 10:00-13:00
    assert resolution.state == "running"
    # 66 h left from Thu 17 13:00: Thu 4, Fri 18, Mon 21-Thu 24 (44), Mon 28, Tue 29 (60),
    # and 6 h on Wed 30.
    assert resolution.due == ams(2026, 12, 30, 15)
    # 50 h to the warning (64 h): Thu 4, Fri 8, Mon 21-Thu 24 (44), 6 h on Mon 28.
    assert resolution.warn_at == ams(2026, 12, 28, 15)
    assert result["first_response"].state == "met"  # a reopen does not restart it


def test_a_running_clock_past_its_target_is_breached(general):
    # Mon 14 09:00 to Tue 29 10:00: ten working days (Fri 25 a holiday) and one hour.
    resolution = states([filed(ams(2026, 12, 14, 9))], general, ams(2026, 12, 29, 10))["resolution"]
    assert resolution.elapsed_seconds == 81 * HOUR
    assert (resolution.state, resolution.due, resolution.warn_at) == ("breached", None, None)
    assert resolution.remaining_seconds == -1 * HOUR


def test_a_paused_clock_past_its_target_stays_breached(general):
    history = [
        filed(ams(2026, 12, 14, 9)),
        # Asked by the triage service, which is no first response: the clock only pauses.
        moved(
            ams(2026, 12, 15, 12),
            "new",
            "needs-info",
            kind=ev.INFO_REQUESTED,
            actor="system:triage",
        ),
    ]
    first = states(history, general, ams(2026, 12, 21, 9))["first_response"]
    assert (first.elapsed_seconds, first.state) == (11 * HOUR, "breached")


# --- due and warn_at -----------------------------------------------------------------------


def test_due_and_warn_at_of_a_running_clock_are_now_plus_what_is_left_in_business_time(general):
    # Filed Mon 14 09:00; at 10:30 1.5 h have run.
    first = states([filed(ams(2026, 12, 14, 9))], general, ams(2026, 12, 14, 10, 30))[
        "first_response"
    ]
    assert first.elapsed_seconds == 1.5 * HOUR
    assert first.remaining_seconds == 6.5 * HOUR
    assert first.due == ams(2026, 12, 14, 17)
    assert first.warn_at == ams(2026, 12, 14, 15, 24)


def test_due_moves_over_the_night_and_the_weekend(general):
    # Filed Fri 18 15:00: 2 h on Friday, the other 6 h on Monday from 09:00.
    first = states([filed(ams(2026, 12, 18, 15))], general, ams(2026, 12, 19, 10))["first_response"]
    assert first.elapsed_seconds == 2 * HOUR
    assert first.due == ams(2026, 12, 21, 15)
    assert first.warn_at == ams(2026, 12, 21, 13, 24)  # 6.4 h - 2 h = 4 h 24 min on Monday


def test_the_deadline_does_not_move_while_the_clock_runs(general):
    history = [filed(ams(2026, 12, 14, 9))]
    early = states(history, general, ams(2026, 12, 14, 9))["resolution"]
    later = states(history, general, ams(2026, 12, 17, 16, 45))["resolution"]
    # Ten working days from Mon 14 09:00: 14-18, 21-24, and Mon 28 (Fri 25 a holiday).
    assert early.due == later.due == ams(2026, 12, 28, 17)
    assert early.warn_at == later.warn_at == ams(2026, 12, 23, 17)  # 64 h: eight days


def test_once_the_warning_share_has_passed_warn_at_is_now(general):
    now = ams(2026, 12, 14, 16)
    first = states([filed(ams(2026, 12, 14, 9))], general, now)["first_response"]
    assert first.elapsed_seconds == 7 * HOUR  # past 6.4 h
    assert (first.state, first.warn_at, first.due) == ("running", now, ams(2026, 12, 14, 17))


# --- wall-clock ----------------------------------------------------------------------------


def test_wall_clock_counts_nights_weekends_and_holidays(followup):
    # Filed Fri 18 16:00 in Amsterdam (15:00 UTC); 15 h later it is Saturday 06:00 UTC.
    result = states([filed(utc(2026, 12, 18, 15))], followup, utc(2026, 12, 19, 6))
    first, resolution = result["first_response"], result["resolution"]
    assert first.elapsed_seconds == resolution.elapsed_seconds == 15 * HOUR
    assert first.due == utc(2026, 12, 19, 15)  # 24 h after filing
    assert first.warn_at == utc(2026, 12, 19, 9)  # 75 % = 18 h after filing
    assert resolution.due == utc(2027, 1, 1, 15)  # 14 days, New Year's Day or not
    assert resolution.warn_at == utc(2026, 12, 29, 3)  # 75 % of 14 days = 10 days 12 h


def test_wall_clock_also_pauses_while_waiting_for_information(followup):
    history = [
        filed(utc(2026, 12, 18, 15)),
        moved(utc(2026, 12, 18, 17), "new", "needs-info", kind=ev.INFO_REQUESTED),
        moved(utc(2026, 12, 20, 17), "needs-info", "new", kind=ev.INFO_ADDED, actor=ANA),
    ]
    result = states(history, followup, utc(2026, 12, 21, 17))
    assert result["resolution"].elapsed_seconds == 26 * HOUR  # 2 h, paused 48 h, then 24 h
    assert result["resolution"].state == "running"
    assert (result["first_response"].elapsed_seconds, result["first_response"].state) == (
        2 * HOUR,
        "met",
    )


# --- a policy change -----------------------------------------------------------------------


def answered_late_and_resolved() -> list[Event]:
    """Filed Mon 14 09:00, first answered (assigned) at 14:00, resolved Thu 17 11:00."""
    return [
        filed(ams(2026, 12, 14, 9)),
        moved(ams(2026, 12, 14, 14), "new", "assigned", kind=ev.ASSIGNED),
        moved(ams(2026, 12, 17, 11), "assigned", "resolved", kind=ev.RESOLVED),
    ]


def test_a_policy_change_re_evaluates_the_same_history_deterministically(flow, general):
    history = answered_late_and_resolved()
    now = ams(2026, 12, 18, 12)
    before = states(history, general, now)
    assert states(history, general, now) == before  # the same history, the same answer
    assert {n: (s.elapsed_seconds, s.state) for n, s in before.items()} == {
        "first_response": (5 * HOUR, "met"),  # 5 h <= 8 h
        "resolution": (26 * HOUR, "met"),  # Mon 8 + Tue 8 + Wed 8 + Thu 09-11 = 26 h <= 80 h
    }
    # The team tightens the policy to the access type's 4 h / 3 working days (24 h).
    tighter = flow.ticket_type("access").sla
    policy = (tighter.targets(flow.calendar), flow.calendar, tighter.warn_at)
    after = states(history, policy, now)
    assert {n: (s.elapsed_seconds, s.state) for n, s in after.items()} == {
        "first_response": (5 * HOUR, "breached"),
        "resolution": (26 * HOUR, "breached"),
    }


# --- what is a status change ---------------------------------------------------------------


def test_a_drop_dead_reminder_does_not_restart_a_clock_paused_for_information(flow, general):
    """The reminder's event carries the recipient as data["to"]; it is not a status change."""
    mira = Actor.staff(flow.member("mira"))
    filed_at = ams(2026, 12, 14, 9)
    draft = validate_draft(
        valid_ticket(drop_dead_date="2026-12-22", nice_to_have_date=None),
        flow=flow,
        today=filed_at.date(),
    )
    ticket, filed_event = Ticket.file(
        number=1,
        draft=draft,
        ticket_type=flow.ticket_type("general"),
        now=filed_at,
        token_salt="salt",
        token_digest="digest",
        source="api",
    )
    asked = ticket.request_info(now=ams(2026, 12, 14, 10), missing=["capacity_needs"], actor=mira)
    reminded = ticket.fire(DROP_DEAD_TRIAGER, now=ams(2026, 12, 15, 9))
    history = [filed_event, asked.event, reminded.event]
    now = ams(2026, 12, 16, 12)
    result = states(history, general, now)
    assert ticket.status.value == "needs-info"
    assert result["resolution"].elapsed_seconds == 1 * HOUR  # Mon 09:00-10:00 only
    assert result["resolution"].state == "paused"


def test_events_that_change_nothing_leave_the_clock_as_it_was(general):
    history = [
        filed(ams(2026, 12, 14, 9)),
        note(ams(2026, 12, 14, 10), actor=MIRA, public=False),
        Event(1, ev.SLA_WARNED, ams(2026, 12, 14, 15, 24), SCHEDULER, False, {"target": "x"}),
    ]
    plain = states(history[:1], general, ams(2026, 12, 15, 12))
    noted = states(history, general, ams(2026, 12, 15, 12))
    assert noted["resolution"] == plain["resolution"]
    assert noted["resolution"].elapsed_seconds == timedelta(hours=11).total_seconds()
