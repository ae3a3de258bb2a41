"""Report figures against hand-computed fixtures: ages and buckets, time in state, the
cumulative flow, throughput and cycle time, SLA compliance, WIP against limits, the agenda,
and the Monte-Carlo forecast on a seeded history. Then the scheduler's side with fakes:
what it reads, the three formats, and the job's once-per-period digest.

Every fixture is built from tickets and events with exact times, so each expected number can
be worked out on paper from the comments next to it. Times are wall-clock UTC.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from services.application import reports as job
from services.domain import events as ev
from services.domain.drafts import Requester
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.lifecycle import Status
from services.domain.mail import MailNotSent
from services.domain.reports import Report, build_report, finished_numbers, period_of, window
from services.domain.reports.aging import bucket
from services.domain.reports.forecast import forecast_line, trial_days
from services.domain.reports.stats import median, percentile
from services.domain.ticket import Escalation, Ticket
from tests.fakes import FakeMailer, FakeTicketRepository, FixedClock

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday, noon UTC
H = timedelta(hours=1)
D = timedelta(days=1)
ANA = "staff:ana"


@pytest.fixture(scope="module")
def team() -> FlowConfig:
    """Two engineers (ana: WIP 2, ben: WIP 1), a triager who is no engineer; `general` has a
    wall-clock SLA of 4 h to first response and 2 days (48 h) to resolution, `access` none."""
    return FlowConfig.model_validate(
        {
            "team": {
                "name": "Ops",
                "mail_list": "ops@example.org",
                "members": [
                    {"id": "ana", "name": "Ana", "email": "ana@example.org", "wip_limit": 2},
                    {"id": "ben", "name": "Ben", "email": "ben@example.org", "wip_limit": 1},
                    {
                        "id": "cy",
                        "name": "Cy",
                        "email": "cy@example.org",
                        "roles": ["triager"],
                    },
                ],
            },
            "ticket_types": [
                {
                    "name": "general",
                    "label": "General",
                    "sla": {"first_response": "4h", "resolution": "2d", "business_hours": False},
                },
                {"name": "access", "label": "Access"},
            ],
        }
    )


def ticket(
    number: int,
    created: datetime,
    status: Status = Status.NEW,
    *,
    since: datetime | None = None,
    owner: str | None = None,
    type: str = "general",
    title: str = "",
    **extra,
) -> Ticket:
    return Ticket(
        number=number,
        type=type,
        title=title or f"Ticket {number}",
        requirements="Something that needs doing, described well enough.",
        requester=Requester(name="Req", email="req@example.org"),
        created_at=created,
        updated_at=created,
        token_salt="salt",
        token_digest="digest",
        status=status,
        status_since=since or created,
        owner=owner,
        **extra,
    )


def filed(number: int, at: datetime, type: str = "general") -> Event:
    return Event(number, ev.TICKET_FILED, at, "requester:req@example.org", True, {"type": type})


def moved(
    number: int, at: datetime, frm: str, to: str, *, actor: str = ANA, public: bool = True
) -> Event:
    return Event(number, ev.UPDATED, at, actor, public, {"from": frm, "to": to})


def report(team, open_tickets=(), events=(), finished=None, *, days=7, now=NOW, seed=1):
    return build_report(
        open_tickets=list(open_tickets),
        events=list(events),
        finished=finished or {},
        flow=team,
        now=now,
        days=days,
        rng=random.Random(seed),
        trials=500,
    )


# -- the statistics ------------------------------------------------------------------------


def test_median_is_the_middle_and_p85_the_nearest_rank():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert percentile(list(range(1, 21)), 85) == 17  # 85 % of 20 values: the 17th
    assert percentile([1, 2, 2, 4, 6], 85) == 6  # ceil(4.25) = 5th of 5
    assert percentile([5], 85) == 5
    assert median([]) is None and percentile([], 85) is None


def test_the_window_is_the_last_days_up_to_today_and_a_period_names_it():
    assert window(NOW, 3) == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    assert period_of("daily", NOW) == "2026-11-27"
    assert period_of("weekly", NOW) == "2026-W48"
    assert period_of("weekly", datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    with pytest.raises(ValueError):
        window(NOW, 0)


# -- aging ---------------------------------------------------------------------------------


def test_ages_fall_in_buckets_from_their_lower_edge():
    # <1d | 1-3d | 3-7d | 7-14d | 14-30d | 30-90d | 90d+
    assert [bucket(a) for a in (0, 0.99, 1, 2.99, 3, 7, 13.9, 14, 30, 89.9, 90, 400)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        3,
        4,
        5,
        5,
        6,
        6,
    ]


def test_aging_per_status_owner_and_type_and_the_oldest_first(team):
    tickets = [
        ticket(1, NOW - 12 * H),  # 0.5 d: <1d
        ticket(2, NOW - 2 * D, Status.TRIAGED),  # 2 d: 1-3d, nobody owns it
        ticket(3, NOW - 3 * D, Status.ASSIGNED, owner="ana", type="access"),  # exactly 3 d: 3-7d
        ticket(4, NOW - 10 * D, Status.IN_PROGRESS, owner="ana", since=NOW - 4 * D),  # 7-14d
        ticket(5, NOW - 100 * D, Status.POSTPONED, owner="ben"),  # 90d+
    ]
    a = report(team, tickets).aging
    assert a.buckets == ("<1d", "1-3d", "3-7d", "7-14d", "14-30d", "30-90d", "90d+")
    status = {r.name: r.counts for r in a.by_status}
    assert status == {
        "new": (1, 0, 0, 0, 0, 0, 0),
        "needs-info": (0,) * 7,
        "triaged": (0, 1, 0, 0, 0, 0, 0),
        "assigned": (0, 0, 1, 0, 0, 0, 0),
        "in-progress": (0, 0, 0, 1, 0, 0, 0),
        "postponed": (0, 0, 0, 0, 0, 0, 1),
    }
    owner = {r.name: (r.counts, r.total) for r in a.by_owner}
    assert owner == {
        "ana": ((0, 0, 1, 1, 0, 0, 0), 2),
        "ben": ((0, 0, 0, 0, 0, 0, 1), 1),
        "": ((1, 1, 0, 0, 0, 0, 0), 2),  # nobody
    }
    kinds = {r.name: r.total for r in a.by_type}
    assert kinds == {"general": 4, "access": 1}
    assert [(t.number, t.age_days, t.in_state_days) for t in a.oldest] == [
        (5, 100.0, 100.0),
        (4, 10.0, 4.0),
        (3, 3.0, 3.0),
        (2, 2.0, 2.0),
        (1, 0.5, 0.5),
    ]


# -- bottlenecks ---------------------------------------------------------------------------

T0 = NOW - 4 * D  # 2026-11-23 12:00, inside a 7-day window


def stays_history() -> list[Event]:
    """Four tickets through the life-cycle at known hours after T0, and one filed before the
    window that only finishes in it."""
    at = lambda h: T0 + h * H  # noqa: E731
    return [
        # 1: new 2 h, triaged 4 h, assigned 1 h, in progress 24 h, resolved
        filed(1, at(0)),
        moved(1, at(2), "new", "triaged", actor="system:triage"),
        moved(1, at(6), "triaged", "assigned"),
        moved(1, at(7), "assigned", "in-progress"),
        moved(1, at(31), "in-progress", "resolved"),
        # 2: new 4 h, triaged 10 h, assigned 2 h, in progress 48 h, resolved
        filed(2, at(0)),
        moved(2, at(4), "new", "triaged", actor="system:triage"),
        moved(2, at(14), "triaged", "assigned"),
        moved(2, at(16), "assigned", "in-progress"),
        moved(2, at(64), "in-progress", "resolved"),
        # 3: new 6 h, triaged 2 h, assigned 3 h, still in progress
        filed(3, at(0)),
        moved(3, at(6), "new", "triaged", actor="system:triage"),
        moved(3, at(8), "triaged", "assigned"),
        moved(3, at(11), "assigned", "in-progress"),
        # 4: new 1 h, needs-info 24 h, new again 2 h, then triaged
        filed(4, at(0)),
        moved(4, at(1), "new", "needs-info", actor="system:triage"),
        moved(4, at(25), "needs-info", "new", actor="requester:req@example.org"),
        moved(4, at(27), "new", "triaged", actor="system:triage"),
        # 9: filed long before the window: its stay in progress began before it, so it is
        # left out; its resolution counts as throughput.
        moved(9, at(30), "in-progress", "resolved"),
        Event(9, ev.UPDATED, at(29), ANA, True, {"message": "no status change"}),
    ]


def test_time_in_each_state_median_and_p85(team):
    r = report(team, events=stays_history())
    got = {s.state: (s.stints, s.median_hours, s.p85_hours) for s in r.time_in_state}
    assert got == {
        # new: 2, 4, 6, 1, 2 -> sorted 1 2 2 4 6: median 2, p85 the 5th = 6
        "new": (5, 2.0, 6.0),
        "needs-info": (1, 24.0, 24.0),
        # triaged: 4, 10, 2 -> median 4, p85 the 3rd = 10
        "triaged": (3, 4.0, 10.0),
        # assigned: 1, 2, 3
        "assigned": (3, 2.0, 3.0),
        # in progress: 24, 48 (ticket 9's began before the window)
        "in-progress": (2, 36.0, 48.0),
    }


def test_same_instant_events_are_read_in_the_order_their_statuses_chain(team):
    # A triage that assigns at once: both written in the same instant, listed out of order.
    events = [
        moved(1, T0 + H, "triaged", "assigned"),
        moved(1, T0 + H, "new", "triaged", actor="system:triage"),
        filed(1, T0),
        moved(1, T0 + 3 * H, "assigned", "in-progress"),
    ]
    got = {s.state: (s.stints, s.median_hours) for s in report(team, events=events).time_in_state}
    assert got == {"new": (1, 1.0), "triaged": (1, 0.0), "assigned": (1, 2.0)}


def test_where_open_tickets_wait_now(team):
    tickets = [
        ticket(1, NOW - 5 * D, Status.TRIAGED, since=NOW - 2 * H),
        ticket(2, NOW - 5 * D, Status.TRIAGED, since=NOW - 4 * H),
        ticket(3, NOW - 5 * D, Status.TRIAGED, since=NOW - 30 * H),
        ticket(4, NOW - 5 * D, Status.IN_PROGRESS, owner="ana", since=NOW - 2 * D),
    ]
    waiting = {w.state: w for w in report(team, tickets).waiting}
    assert (waiting["triaged"].tickets, waiting["triaged"].median_hours) == (3, 4.0)
    assert waiting["triaged"].p85_hours == 30.0
    assert waiting["triaged"].ticket_days == 1.5  # 2 + 4 + 30 = 36 h
    assert waiting["in-progress"].median_hours == 48.0
    assert waiting["new"].tickets == 0 and waiting["new"].median_hours is None


def test_cumulative_flow_counts_each_status_at_each_day_end(team):
    day1, day2, day3 = NOW.replace(hour=0) - 2 * D, NOW.replace(hour=0) - D, NOW.replace(hour=0)
    events = [
        filed(1, day1 + 10 * H),  # A: new, then triaged at once
        moved(1, day1 + 11 * H, "new", "triaged", actor="system:triage"),
        filed(2, day1 + 12 * H),  # B: new
        moved(1, day2 + 9 * H, "triaged", "assigned"),
        moved(2, day2 + 15 * H, "new", "rejected"),  # B done
        moved(5, day2 + 10 * H, "in-progress", "resolved"),  # E (older): done
        moved(1, day3 + 8 * H, "assigned", "in-progress"),
        moved(5, day3 + 9 * H, "resolved", "closed"),  # still done: no change of band
        filed(3, day3 + 10 * H),  # C: new
    ]
    open_now = [
        ticket(1, day1 + 10 * H, Status.IN_PROGRESS, owner="ana"),
        ticket(3, day3 + 10 * H),
        ticket(4, NOW - 60 * D, Status.POSTPONED, owner="ben"),  # D: untouched all along
    ]
    cfd = report(team, open_now, events, days=3).cfd
    assert cfd.bands == (
        "new",
        "needs-info",
        "triaged",
        "assigned",
        "in-progress",
        "postponed",
        "done",
    )
    assert [p.day for p in cfd.points] == [day1.date(), day2.date(), day3.date()]
    assert cfd.points[-1].at == NOW
    nonzero = [{b: n for b, n in p.counts.items() if n} for p in cfd.points]
    assert nonzero == [
        {"new": 1, "triaged": 1, "in-progress": 1, "postponed": 1},  # A, B, E, D
        {"assigned": 1, "postponed": 1, "done": 2},  # A; B and E done
        {"new": 1, "in-progress": 1, "postponed": 1, "done": 2},  # C, A, D
    ]


# -- throughput, cycle time, SLA -----------------------------------------------------------


def test_throughput_and_cycle_time_per_type(team):
    events = [
        *stays_history(),
        filed(6, T0),
        moved(6, T0 + H, "new", "rejected"),
    ]
    older = ticket(9, NOW - 20 * D, Status.RESOLVED, owner="ben", type="access")
    assert finished_numbers(events, {3}) == [1, 2, 6, 9]
    r = report(team, events=events, finished={9: older})
    flows = {t.type: t for t in r.throughput}
    general, access = flows["general"], flows["access"]
    # general: 1 (31 h), 2 (64 h) resolved, 6 rejected (1 h): median 31, p85 the 3rd = 64
    assert (general.done, general.resolved, general.rejected) == (3, 2, 1)
    assert (general.cycle_median_hours, general.cycle_p85_hours) == (31.0, 64.0)
    # the window: 6.5 days (seven days from 2026-11-21 00:00 to Friday noon)
    assert general.per_week == round(3 / 6.5 * 7, 2)
    # access: 9, filed 20 days ago, resolved at T0 + 30 h
    assert (access.done, access.cycle_median_hours) == (1, (16 * 24 + 30) * 1.0)
    by_day = {d.day: d.done for d in r.daily_done}
    assert by_day[date(2026, 11, 23)] == 1  # 6 at 13:00
    assert by_day[date(2026, 11, 24)] == 2  # 9 at 18:00, 1 at 19:00
    assert by_day[date(2026, 11, 26)] == 1  # 2 at 04:00
    assert sum(by_day.values()) == 4


def test_sla_compliance_of_the_tickets_filed_in_the_window(team):
    t0 = NOW - 60 * H
    at = lambda h: t0 + h * H  # noqa: E731
    events = [
        # 1: a staff member answers in 1 h (met), resolved in 40 h (met: 48 h)
        filed(1, at(0)),
        Event(1, ev.UPDATED, at(1), ANA, True, {"message": "on it"}),
        moved(1, at(2), "new", "triaged", actor="system:triage"),
        moved(1, at(3), "triaged", "assigned"),
        moved(1, at(40), "assigned", "resolved"),
        # 2: first public step of staff at 5 h (breached: 4 h), resolved at 50 h (breached)
        filed(2, at(0)),
        moved(2, at(0.5), "new", "triaged", actor="system:triage"),
        moved(2, at(5), "triaged", "assigned"),
        moved(2, at(50), "assigned", "resolved"),
        # 3: filed 10 h ago, nobody answered (breached while running), resolution running
        filed(3, NOW - 10 * H),
        # 4: access has no SLA; 5 was filed before the window: neither counts
        filed(4, at(0), type="access"),
        moved(5, at(1), "in-progress", "resolved"),
    ]
    rows = {(s.type, s.target): s for s in report(team, events=events, days=3).sla}
    assert set(rows) == {("general", "first_response"), ("general", "resolution")}
    first, resolution = rows["general", "first_response"], rows["general", "resolution"]
    assert (first.tickets, first.met, first.breached, first.open) == (3, 1, 2, 0)
    assert first.compliance_pct == 33.3
    assert (resolution.met, resolution.breached, resolution.open) == (1, 1, 1)
    assert resolution.compliance_pct == 50.0


# -- the team ------------------------------------------------------------------------------


def test_wip_per_engineer_against_limits(team):
    tickets = [
        ticket(1, NOW - D, Status.ASSIGNED, owner="ana"),
        ticket(2, NOW - D, Status.POSTPONED, owner="ana"),
        ticket(3, NOW - D, Status.IN_PROGRESS, owner="ben"),
        ticket(4, NOW - D, Status.IN_PROGRESS, owner="ben"),
        ticket(5, NOW - D, Status.IN_PROGRESS, owner="zed"),  # left the team
        ticket(6, NOW - D, Status.TRIAGED),
    ]
    rows = {w.member: w for w in report(team, tickets).wip}
    assert list(rows) == ["ana", "ben", "zed"]  # cy is no engineer
    assert (rows["ana"].wip, rows["ana"].limit, rows["ana"].headroom, rows["ana"].over) == (
        2,
        2,
        0,
        False,
    )
    assert rows["ana"].by_status == {"assigned": 1, "postponed": 1}
    assert (rows["ben"].wip, rows["ben"].headroom, rows["ben"].over) == (2, -1, True)
    assert (rows["zed"].limit, rows["zed"].over, rows["zed"].name) == (None, False, "zed")


def test_the_agenda_lists_unowned_escalated_and_breaching_oldest_first(team):
    escalation = Escalation(to="ben", by="ana", reason="needs storage", at=NOW - 5 * H)
    earlier = Escalation(to="ana", by="ben", reason="dns", at=NOW - 9 * H)
    tickets = [
        ticket(1, NOW - 2 * D, Status.TRIAGED),
        ticket(2, NOW - 5 * D, Status.TRIAGED),
        ticket(3, NOW - 9 * D, Status.TRIAGED, owner="ana"),  # returned, owned: not unowned
        ticket(4, NOW - 9 * D, Status.IN_PROGRESS, owner="ana", escalation=escalation),
        ticket(5, NOW - D, Status.IN_PROGRESS, owner="ben", escalation=earlier),
        ticket(6, NOW - 3 * D, Status.NEW, sla_breached=["first_response"]),
    ]
    agenda = report(team, tickets).agenda
    assert [t.number for t in agenda.unowned] == [2, 1]
    assert [t.number for t in agenda.escalated] == [5, 4]  # by when they were escalated
    assert agenda.escalated[1].note == "ana asked ben: needs storage"
    assert [(t.number, t.note) for t in agenda.breaching] == [(6, "breached: first_response")]


# -- the forecast --------------------------------------------------------------------------


def test_one_a_day_and_ten_open_is_exactly_ten_days():
    line = forecast_line("queue", "Ops", 10, [1] * 20, NOW.date(), random.Random(7))
    assert (line.p50_days, line.p85_days) == (10, 10)
    assert line.p50 == line.p85 == date(2026, 12, 7)
    assert line.mean_per_day == 1.0 and line.note == ""


def test_the_forecast_is_deterministic_for_a_seed():
    history = [0, 1, 2, 3, 0, 5, 1, 0, 2, 4, 0, 0, 3, 1]  # 22 in 14 days: 1.57 a day
    first = forecast_line("queue", "Ops", 20, history, NOW.date(), random.Random(2026))
    again = forecast_line("queue", "Ops", 20, history, NOW.date(), random.Random(2026))
    assert first == again
    assert (first.p50_days, first.p85_days) == (13, 17)
    assert (first.p50, first.p85) == (date(2026, 12, 10), date(2026, 12, 14))
    # About 20 / 1.57 = 12.7 days on average; never fewer than 20 / 5 = 4.
    days = trial_days(20, history, random.Random(1), trials=2_000)
    assert min(d for d in days if d is not None) >= 4
    assert 12 <= sorted(days)[1_000] <= 14  # type: ignore[type-var]


def test_no_throughput_no_forecast_and_a_slow_queue_lies_beyond_the_horizon():
    today = NOW.date()
    none = forecast_line("queue", "Ops", 5, [0, 0, 0], today, random.Random(1))
    assert none.p50 is None and none.note.startswith("no forecast")
    assert "complete day" in forecast_line("q", "Ops", 5, [], today, random.Random(1)).note
    slow = forecast_line("q", "Ops", 500, [0] * 99 + [1], today, random.Random(1), horizon=365)
    assert slow.p85 is None and slow.note == f"beyond {today + timedelta(days=365)}"
    done = forecast_line("q", "Ops", 0, [1], today, random.Random(1))
    assert (done.p50_days, done.note) == (0, "nothing open")


def test_owners_are_forecast_from_their_own_throughput(team):
    # ben finished one ticket a day on each of the 6 complete days; ana none.
    events, finished = [], {}
    for i in range(6):
        at = NOW.replace(hour=10) - (i + 1) * D
        events.append(moved(100 + i, at, "in-progress", "resolved", actor="staff:ben"))
        finished[100 + i] = ticket(100 + i, at - D, Status.RESOLVED, owner="ben")
    tickets = [
        ticket(1, NOW - D, Status.IN_PROGRESS, owner="ben"),
        ticket(2, NOW - D, Status.ASSIGNED, owner="ana"),
    ]
    r = report(team, tickets, events, finished)
    owners = {f.scope: f for f in r.forecast.owners}
    assert (owners["ben"].p50_days, owners["ben"].history_days) == (1, 6)
    assert owners["ana"].note.startswith("no forecast")
    assert (r.forecast.queue.open, r.forecast.queue.p85_days) == (2, 2)


# -- the job, with fakes -------------------------------------------------------------------


class FakeStore:
    def __init__(self):
        self.objects: dict[str, bytes] = {}
        self.types: dict[str, str] = {}
        self.markers: set[str] = set()

    def put(self, kind, period, fmt, body, content_type):
        key = f"reports/{kind}/{period}/report.{fmt}"
        self.objects[key], self.types[key] = body, content_type
        return key

    def get(self, kind, period, fmt):
        return self.objects.get(f"reports/{kind}/{period}/report.{fmt}")

    def periods(self, kind, limit=10):
        found = {k.split("/")[2] for k in self.objects if k.startswith(f"reports/{kind}/")}
        return sorted(found, reverse=True)[:limit]

    def claim(self, kind, period, name):
        key = f"{kind}/{period}/{name}"
        if key in self.markers:
            return False
        self.markers.add(key)
        return True

    def release(self, kind, period, name):
        self.markers.discard(f"{kind}/{period}/{name}")


@pytest.fixture
def deps(team):
    repo = FakeTicketRepository()
    created = NOW - 3 * D
    for number, status, owner in (
        (1, Status.TRIAGED, None),
        (2, Status.IN_PROGRESS, "ana"),
        (3, Status.RESOLVED, "ben"),
    ):
        t = ticket(number, created, status, owner=owner, title="<script>alert(1)</script>")
        repo.tickets[number] = t
        repo.events[number] = [filed(number, created)]
    repo.events[3].append(moved(3, created + 5 * H, "new", "resolved", actor="staff:ben"))
    return job.ReportDeps(
        tickets=repo,
        flow=team,
        clock=FixedClock(NOW),
        store=FakeStore(),
        mailer=FakeMailer(),
        base_url="http://rt.example.org",
    )


def test_the_job_reads_each_open_status_each_day_and_the_finished_tickets(deps):
    ticks = []
    r = job.generate(deps, "daily", days=5, progress=ticks.append)
    assert len(ticks) == job.steps(5) == 6 + 5 + 1
    assert r.open_tickets == 2 and r.period == "2026-11-27" and r.window_days == 5
    assert sum(d.done for d in r.daily_done) == 1
    assert {t.type: t.done for t in r.throughput}["general"] == 1


def test_html_escapes_titles_has_no_script_and_reads_without_charts(deps):
    r = job.generate(deps, "daily")
    page = job.render_html(r, deps.base_url)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == 6
    assert 'href="http://rt.example.org/staff/tickets/1"' in page
    bare = job.render_html(r, with_charts=False)
    assert "<svg" not in bare and "<table" in bare


def test_csv_has_a_section_per_table_and_json_holds_the_whole_report(deps):
    r = job.generate(deps, "weekly")
    text = job.render_csv(r)
    sections = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    assert sections[:3] == ["summary", "aging_by_status", "aging_by_owner"]
    assert "forecast" in sections and "agenda_unowned" in sections
    rows = list(csv.reader(io.StringIO(text)))
    unowned = rows[rows.index(["# agenda_unowned"]) + 2]
    assert unowned[:2] == ["1", "<script>alert(1)</script>"]  # CSV is data: not escaped
    assert Report.model_validate_json(job.render_json(r)) == r
    assert json.loads(job.render_json(r))["period"] == "2026-W48"


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(deps):
    deps.tickets.tickets[1].title = "=HYPERLINK(1)"
    text = job.render_csv(job.generate(deps, "daily"))
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_publish_writes_three_formats_and_mails_the_digest_once_per_period(deps):
    first = job.publish(deps, "daily")
    assert first.keys == [
        "reports/daily/2026-11-27/report.html",
        "reports/daily/2026-11-27/report.csv",
        "reports/daily/2026-11-27/report.json",
    ]
    assert first.mailed
    again = job.publish(deps, "daily")
    assert again.keys == first.keys and not again.mailed
    (mail,) = deps.mailer.outbox
    assert mail.to == ("ops@example.org",)
    assert mail.subject == "[Ops] Daily report 2026-11-27: 2 open"
    assert "nobody owns: 1" in mail.text and "#1 <script>alert(1)</script>" in mail.text
    assert mail.html is not None and "&lt;script&gt;" in mail.html
    weekly = job.publish(deps, "weekly")
    assert weekly.mailed and len(deps.mailer.outbox) == 2


def test_a_digest_that_certainly_failed_is_sent_by_the_next_run(deps):
    deps.mailer.fail_for = {"ops@example.org"}
    with pytest.raises(MailNotSent):
        job.publish(deps, "daily")
    assert deps.store.get("daily", "2026-11-27", "json") is not None  # the report is there
    deps.mailer.fail_for = set()
    assert job.publish(deps, "daily").mailed


def test_if_missing_skips_a_period_that_has_its_report(deps):
    assert not job.publish(deps, "daily", if_missing=True).skipped
    assert job.publish(deps, "daily", if_missing=True).skipped
    assert len(deps.mailer.outbox) == 1


def test_durations_read_as_minutes_hours_or_days():
    assert [job.duration(h) for h in (None, 0.25, 5, 47.9, 72)] == [
        "–",
        "15 min",
        "5.0 h",
        "47.9 h",
        "3.0 d",
    ]
