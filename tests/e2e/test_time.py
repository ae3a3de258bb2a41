"""Time, end to end: the test clock, postpone and wake, SLA warnings and breaches, needs-info
nudges and auto-close, and no timer firing twice (issue 4).

Moving the clock moves it for every ticket of a stack, so this module runs its own stack, not
the session's. The clock only moves forward and the real date is late 2026, so every test first
sets the clock to a Monday 09:00 (team time, Europe/Amsterdam) later than anything before it and
works from there; POST /dev/clock answers once the due timers fired and their mails went out.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests

from .clock_stack import fired_timers, sla, team_time
from .support import Page, tag, unique

pytestmark = pytest.mark.e2e


TRIAGER = "mira"  # the example team's only triager
ENGINEER = "tomas"  # owns the postponed tickets
RESPONDER = "jonas"  # answers a ticket before its SLA warning
HOUR = 3600
DAY = 24 * HOUR


# -- 1. the clock API -------------------------------------------------------------------------


def test_the_clock_api_reads_moves_forward_and_refuses_the_past_and_garbage(clock_stack):
    s = clock_stack
    start = s.now()
    assert start.tzinfo is not None, "GET /dev/clock gives the time with its zone"

    monday = s.next_monday()
    now = s.now()
    assert monday <= now < monday + timedelta(seconds=30)

    moved = s.advance(HOUR)
    assert monday + timedelta(hours=1) <= moved < monday + timedelta(hours=1, seconds=30)
    assert s.now() >= moved

    past = s.move({"set": (moved - timedelta(days=1)).isoformat()})
    assert past.status_code == 400, past.text
    backwards = s.move({"advance_seconds": -60})
    assert backwards.status_code == 400, backwards.text
    for garbage in (
        {"set": "next tuesday"},
        {"set": "2030-01-01T09:00:00"},  # no time zone
        {"advance_seconds": "an hour"},
        {"advance_seconds": True},
        {"advance_seconds": 60, "set": "2030-01-01T09:00:00+01:00"},
        {},
        [60],
        "soon",
    ):
        r = s.move(garbage)
        assert r.status_code == 400, f"{garbage!r}: {r.status_code} {r.text}"
        assert r.json().get("error"), r.text
    not_json = s.move(data="advance please", headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 400, not_json.text
    assert not_json.json().get("error"), not_json.text

    after = s.now()
    assert moved <= after < moved + timedelta(seconds=30), "a refused move must not move it"


# -- 2. postpone and wake ---------------------------------------------------------------------


def test_a_postponed_ticket_wakes_at_its_time_and_the_owner_and_requester_hear_of_it(
    clock_stack,
):
    s, api = clock_stack, clock_stack.api
    s.next_monday()
    filed = s.file()
    assert api.wait_for_status(filed.number, {"triaged", "assigned"})["owner"] is None
    api.ok(filed.number, "take", ENGINEER)
    assert api.ok(filed.number, "start", ENGINEER)["status"] == "in-progress"
    before = sla(api.view(filed.number), "resolution")["elapsed_hours"]

    until = team_time(s.now() + timedelta(days=3))
    reason = f"Waiting for the furniture supplier {unique()}"
    postponed = api.ok(
        filed.number, "postpone", ENGINEER, {"until": until.isoformat(), "reason": reason}
    )
    assert postponed["status"] == "postponed"
    assert datetime.fromisoformat(postponed["postponed_until"]) == until
    assert datetime.fromisoformat(postponed["timers"]["wake"]) == until
    assert sla(postponed, "resolution")["state"] == "paused"
    mail = s.wait_for_mail(filed, "Postponed:", filed.requester)
    assert reason in mail["text"]
    assert until.date().isoformat() in mail["text"], "the mail says until when"
    status = requests.get(
        f"{s.base_url}/api/v1/tickets/{filed.number}", params={"token": filed.token}, timeout=10
    ).json()
    assert status["status"] == "postponed", "the requester sees it postponed"

    s.advance(2 * DAY)
    still = api.view(filed.number)
    assert still["status"] == "postponed"
    assert not s.mails_about(filed, "Back "), s.subjects(filed)

    s.set(until + timedelta(minutes=2))
    woken = api.view(filed.number)
    assert woken["status"] == "in-progress", "it returns to the state it came from"
    assert woken["postponed_until"] is None
    assert "wake" not in woken["timers"]
    assert len(s.mails_about(filed, "Back from postponement:", s.email(ENGINEER))) == 1
    assert len(s.mails_about(filed, "Back on the list:", filed.requester)) == 1
    # The resolution clock stood still for the three days (24 business hours) it was away.
    assert sla(woken, "resolution")["elapsed_hours"] - before < 0.5, sla(woken, "resolution")
    assert sla(woken, "resolution")["state"] == "running"


def test_the_owner_wakes_a_postponed_ticket_by_hand_and_its_timer_is_gone(clock_stack):
    s, api = clock_stack, clock_stack.api
    s.next_monday()
    filed = s.file()
    api.wait_for_status(filed.number, {"triaged", "assigned"})
    assert api.ok(filed.number, "take", ENGINEER)["status"] == "assigned"

    until = team_time(s.now() + timedelta(days=5))
    internal = {"until": until.isoformat(), "reason": "Budget freeze", "public": False}
    assert api.ok(filed.number, "postpone", ENGINEER, internal)["status"] == "postponed"

    other = api.act(filed.number, "wake", RESPONDER)
    assert other.status_code == 403, f"only its owner or a triager wakes it: {other.text}"
    woken = api.ok(filed.number, "wake", ENGINEER)
    assert woken["status"] == "assigned", "back at once, to where it was"
    assert woken["postponed_until"] is None
    assert "wake" not in woken["timers"]
    s.wait_for_mail(filed, "Back from postponement:", s.email(ENGINEER))
    assert api.act(filed.number, "wake", ENGINEER).status_code == 409, "it is awake already"

    # Past the old wake time nothing happens again; an internal reason is not the requester's.
    s.set(until + timedelta(minutes=5))
    assert api.view(filed.number)["status"] == "assigned"
    assert len(s.mails_about(filed, "Back from postponement:")) == 1, s.subjects(filed)
    assert not s.mails_about(filed, "Postponed:"), s.subjects(filed)
    assert not s.mails_about(filed, "Back on the list:"), s.subjects(filed)


def test_the_requester_sees_the_postponement_and_its_wake_date_on_the_status_page(
    clock_stack,
):
    """Issue 4: a postponed ticket "shows as `postponed` on every page with the wake date"."""
    s, api = clock_stack, clock_stack.api
    s.next_monday()
    filed = s.file()
    api.wait_for_status(filed.number, {"triaged", "assigned"})
    api.ok(filed.number, "take", ENGINEER)
    until = team_time(s.now() + timedelta(days=3))
    body = {"until": until.isoformat(), "reason": "The supplier is closed", "public": True}
    api.ok(filed.number, "postpone", ENGINEER, body)

    r = requests.get(
        f"{s.base_url}/tickets/{filed.number}", params={"token": filed.token}, timeout=10
    )
    assert r.status_code == 200, r.text
    page = Page(r.text)
    status = page.text[page.text.index("Status:") :].split("\n")[0]
    assert "postponed" in status, status
    wake_day = until.date().isoformat()  # the same day in UTC: 09:00 in Amsterdam is 08:00
    assert wake_day in page.text, (
        f"the requester's status page of a postponed ticket does not say until when "
        f"({wake_day}); it says: {' '.join(page.text.split())[:600]}"
    )
    api.ok(filed.number, "wake", ENGINEER)  # leave nothing pending for the tests after


def test_the_requester_writing_wakes_a_postponed_ticket_early_and_the_owner_hears_of_it(
    clock_stack,
):
    s, api = clock_stack, clock_stack.api
    s.next_monday()
    filed = s.file()
    api.wait_for_status(filed.number, {"triaged", "assigned"})
    api.ok(filed.number, "take", ENGINEER)
    until = team_time(s.now() + timedelta(days=5))
    body = {"until": until.isoformat(), "reason": "Waiting for the budget", "public": True}
    api.ok(filed.number, "postpone", ENGINEER, body)

    r = requests.post(
        f"{s.base_url}/api/v1/tickets/{filed.number}/reply",
        params={"token": filed.token},
        json={"message": "The budget came through today."},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "assigned"
    assert r.json()["postponed_until"] is None
    mail = s.wait_for_mail(filed, "The requester wrote:", s.email(ENGINEER))
    assert "The budget came through today." in mail["text"]
    assert "back now" in mail["text"]
    # Its wake timer is gone: the old wake time passes without a second wake.
    s.advance(6 * 86400)
    assert s.mails_about(filed, "Back from postponement:") == []


# -- 3. SLA clocks ----------------------------------------------------------------------------


def test_first_response_sla_warns_at_80_percent_and_breaches_in_business_hours(clock_stack):
    """general: first response 8 h of business time (09-17 Mon-Fri), warning at 80 % = 6.4 h."""
    s, api = clock_stack, clock_stack.api
    monday = s.next_monday()
    unanswered = s.file()
    answered = s.file()
    incomplete = s.file(end_state="tbd")
    api.wait_for_status(unanswered.number, "triaged")
    api.wait_for_status(answered.number, "triaged")
    api.wait_for_status(incomplete.number, "needs-info")
    # Staff answer one ticket at once: taking it and a public update are first responses.
    api.ok(answered.number, "take", RESPONDER)
    api.ok(answered.number, "update", RESPONDER, {"message": "On it.", "reason": "Ordering."})
    assert sla(api.view(answered.number), "first_response")["state"] == "met"
    running = sla(api.view(unanswered.number), "first_response")
    assert running["state"] == "running"
    assert running["target_hours"] == 8

    s.set(monday.replace(hour=15))  # 6 h: under 80 %
    assert not s.mails_about(unanswered, "SLA "), s.subjects(unanswered)

    s.set(monday.replace(hour=15, minute=30))  # 6.5 h > 6.4 h
    warned = s.mails_about(unanswered, "SLA warning (first response)")
    assert [m["to"] for m in warned] == [[s.email(TRIAGER)]], s.subjects(unanswered)
    assert not s.mails_about(unanswered, "SLA breached"), s.subjects(unanswered)

    # Past 17:00 the business clock stops: at 08:30 next morning 8 h are not yet used up.
    s.set(monday.replace(hour=17, minute=30))
    s.set(monday + timedelta(days=1, hours=-0.5))
    not_yet = api.view(unanswered.number)
    assert not s.mails_about(unanswered, "SLA breached"), s.subjects(unanswered)
    assert "first_response" not in not_yet["sla_breached"]
    assert sla(not_yet, "first_response")["state"] == "running"

    s.set(monday + timedelta(days=1, minutes=10))  # Tuesday 09:10
    breached = s.mails_about(unanswered, "SLA breached (first response)")
    assert [m["to"] for m in breached] == [[s.email(TRIAGER)]], s.subjects(unanswered)
    view = api.view(unanswered.number)
    assert "first_response" in view["sla_breached"]
    assert sla(view, "first_response")["state"] == "breached"
    assert len(s.mails_about(unanswered, "SLA warning (first response)")) == 1

    # Answered before the warning: no first-response mail ever.
    assert not s.mails_about(answered, "(first response)"), s.subjects(answered)
    assert sla(api.view(answered.number), "first_response")["state"] == "met"

    # Waiting on the requester: the clock is paused, nothing warns or breaches.
    waiting = api.view(incomplete.number)
    assert waiting["status"] == "needs-info"
    assert sla(waiting, "first_response")["state"] == "paused"
    assert sla(waiting, "first_response")["elapsed_hours"] < 0.1
    assert "first_response" not in waiting["sla_breached"]
    assert not s.mails_about(incomplete, "SLA "), s.subjects(incomplete)


# -- 4. needs-info nudges and auto-close ------------------------------------------------------


def test_an_unanswered_needs_info_ticket_is_nudged_once_then_closed(clock_stack):
    """general: remind after 3 working days without an answer, close after 10."""
    s, api = clock_stack, clock_stack.api
    monday = s.next_monday()
    filed = s.file(end_state="tbd")
    api.wait_for_status(filed.number, "needs-info")
    s.wait_for_mail(filed, "More information needed:", filed.requester)

    reminder = "Reminder, more information needed:"
    s.set(monday + timedelta(days=2, hours=8))  # Wednesday 17:00: 2 working days and a bit
    assert not s.mails_about(filed, reminder), s.subjects(filed)

    s.set(monday + timedelta(days=3, minutes=10))  # Thursday 09:10: 3 working days
    [mail] = s.mails_about(filed, reminder, filed.requester)
    assert "end state" in mail["text"], "the reminder says what is missing"
    assert api.view(filed.number)["status"] == "needs-info"

    s.set(monday + timedelta(days=11, hours=8))  # Friday week 17:00: 9 working days
    assert api.view(filed.number)["status"] == "needs-info"
    assert not s.mails_about(filed, "Closed, no answer:"), s.subjects(filed)

    s.set(monday + timedelta(days=14, minutes=10))  # Monday 09:10: 10 working days
    closed = api.view(filed.number)
    assert closed["status"] == "closed"
    assert len(s.mails_about(filed, "Closed, no answer:", filed.requester)) == 1
    assert len(s.mails_about(filed, reminder)) == 1, "one reminder, not one per day"
    assert not s.mails_about(filed, "SLA "), "the SLA clocks were paused all along"


# -- 5. exactly once --------------------------------------------------------------------------


def test_no_timer_fires_twice_and_moving_on_changes_nothing(clock_stack):
    """Every ticket of the module, after the tests above and a big jump made of overlapping
    clock moves: each timer fired at most once, each mail went out at most once, and a run
    with nothing due does nothing."""
    s, api = clock_stack, clock_stack.api
    s.next_monday()
    unanswered = s.file()
    incomplete = s.file(end_state="tbd")
    api.wait_for_status(unanswered.number, "triaged")
    api.wait_for_status(incomplete.number, "needs-info")
    # Three weeks at once, as overlapping moves: every timer of both tickets falls due.
    with ThreadPoolExecutor(3) as pool:
        moves = list(pool.map(s.move, [{"advance_seconds": w * 7 * DAY} for w in (1, 1, 1)]))
    assert [r.status_code for r in moves] == [200, 200, 200], [r.text for r in moves]
    assert api.view(incomplete.number)["status"] == "closed"
    assert len(s.mails_about(unanswered, "SLA breached (first response)", s.email(TRIAGER))) == 1

    for filed in s.filed:
        view = api.view(filed.number)
        twice = [t for t, n in Counter(fired_timers(view)).items() if n > 1]
        assert not twice, f"#{filed.number} fired {twice} more than once"
    mails = s.mails()
    sent = Counter(
        (f.number, m["subject"], tuple(m["to"]))
        for m in mails
        for f in s.filed
        if tag(f.number) in m["subject"]
    )
    doubles = {k: n for k, n in sent.items() if n > 1}
    assert not doubles, f"mails sent more than once: {doubles}"

    # Run the scheduler again at the same moment, then move to halfway to the next timer.
    histories = {f.number: len(api.view(f.number)["history"]) for f in s.filed}
    s.advance(0)
    pending = [
        datetime.fromisoformat(at) for f in s.filed for at in api.view(f.number)["timers"].values()
    ]
    gap = (min(pending) - s.now()).total_seconds() / 2 if pending else DAY
    if gap > 1:
        s.advance(gap)
    assert len(s.mails()) == len(mails), "nothing was due, yet mail went out"
    assert {f.number: len(api.view(f.number)["history"]) for f in s.filed} == histories
