"""Moving house over the in-memory repository: export writes every ticket with its history,
import restores them once with numbering going on above them, and a file that is not an
export is refused at its first bad line before anything is written."""

from __future__ import annotations

import json

import pytest

from services.application.moving import (
    ALREADY_THERE,
    NUMBER_TAKEN,
    MalformedExport,
    Survey,
    export_tickets,
    import_tickets,
    survey,
)
from services.domain.lifecycle import Status
from services.domain.ticket import Change
from tests.contract.builders import T0, escalation, event, finished, minutes, stored, taken
from tests.fakes import FakeTicketRepository


@pytest.fixture
def home() -> FakeTicketRepository:
    """A home with a closed ticket, an open owned one with a timer, and a private one."""
    repo = FakeTicketRepository()
    done = stored(repo)
    repo.save(done, taken(done, "priya"))
    repo.save(done, finished(done, "priya"))
    working = stored(repo, escalation=escalation(), timers={"nudge": done.created_at})
    repo.save(working, taken(working, "mira"))
    repo.save(working, Change(event(working)))
    stored(repo, private=True, email="li@example.org")
    repo.next_number(3)  # given out, never filed
    return repo


def exported(repo: FakeTicketRepository) -> list[str]:
    lines: list[str] = []
    export_tickets(repo, repo.numbers(), lines.append)
    return lines


def moved(lines: list[str], into: FakeTicketRepository | None = None) -> FakeTicketRepository:
    target = into or FakeTicketRepository()
    import_tickets(target, lines, survey(lines))
    return target


def test_export_writes_one_line_per_ticket_with_its_history(home):
    progress: list[int] = []
    lines: list[str] = []
    summary = export_tickets(home, home.numbers(), lines.append, progress.append)
    assert (summary.tickets, summary.events) == (3, 7)
    assert sum(progress) == 3
    first = json.loads(lines[0])
    assert first["format"] == 1 and first["version"] == 3
    assert first["ticket"]["number"] == 1 and first["ticket"]["token_digest"] == "digest"
    assert [e["kind"] for e in first["events"]] == [
        "ticket.filed",
        "ticket.assigned",
        "ticket.resolved",
    ]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)


def test_import_restores_every_ticket_history_and_counter(home):
    target = moved(exported(home))
    assert target.tickets == home.tickets
    assert target.events == home.events
    assert target.open_counts(["priya", "mira"]) == {"priya": 0, "mira": 1}
    assert target.next_number() == 4  # above the highest imported number
    assert [t.number for t in target.by_status(Status.CLOSED)] == []
    assert [t.number for t in target.escalated()] == [2]


def test_importing_the_same_file_twice_changes_nothing(home):
    lines = exported(home)
    target = moved(lines)
    before = (dict(target.tickets), dict(target.events), dict(target.wip))
    again = import_tickets(target, lines, survey(lines))
    assert (again.imported, again.skipped) == (0, {ALREADY_THERE: [1, 2, 3]})
    assert (target.tickets, target.events, target.wip) == before


def test_a_number_held_by_another_ticket_is_skipped_and_said_so(home):
    target = FakeTicketRepository()
    stored(target, email="someone@example.org", at=T0 + minutes(1))
    summary = import_tickets(target, exported(home), Survey(3, 3))
    assert (summary.imported, summary.skipped) == (2, {NUMBER_TAKEN: [1]})
    assert summary.skipped_count == 1
    assert target.get(1).requester.email == "someone@example.org"


def test_import_counts_and_reports_progress(home):
    lines = ["\n", *exported(home), "   \n"]
    progress: list[int] = []
    checked = survey(lines)
    summary = import_tickets(FakeTicketRepository(), lines, checked, progress.append)
    assert checked == Survey(tickets=3, highest=3)
    assert (summary.imported, summary.events, summary.skipped) == (3, 7, {})
    assert progress == [1, 1, 1]


def _broken(lines: list[str], index: int, change) -> list[str]:
    record = json.loads(lines[index])
    change(record)
    return [*lines[:index], json.dumps(record) + "\n", *lines[index + 1 :]]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda r: r.pop("ticket"), "line 2: the ticket: no 'ticket'"),
        (lambda r: r["ticket"].pop("title"), "line 2: the ticket: "),
        (lambda r: r["ticket"].update(status="lost"), "line 2: the ticket: 'lost' is not"),
        (lambda r: r["ticket"].update(number="2"), "line 2: ticket number '2'"),
        (lambda r: r.update(version=0), "line 2: version 0 is not a positive whole number"),
        (lambda r: r.update(format=2), "line 2: format 2; this RT Flow reads 1"),
        (lambda r: r.update(events={}), "line 2: no list of events"),
        (lambda r: r["events"][1].pop("kind"), "line 2: event 2: no 'kind'"),
        (lambda r: r["events"][0].update(at="noon"), "line 2: event 1: Invalid isoformat"),
        (lambda r: r["events"][0].update(ticket=9), "line 2: event 1 is of ticket #9, not #2"),
    ],
)
def test_a_malformed_line_is_named_before_anything_is_written(home, change, says):
    lines = _broken(exported(home), 1, change)
    with pytest.raises(MalformedExport, match="^" + says.replace("(", r"\(")) as caught:
        survey(lines)
    assert caught.value.line == 2


def test_a_line_that_is_not_json_or_not_an_object_is_named(home):
    lines = exported(home)
    with pytest.raises(MalformedExport, match=r"^line 3: not JSON \(.+, column 41\)$"):
        survey([*lines[:2], lines[2][:40] + "\n"])
    with pytest.raises(MalformedExport, match="^line 1: not a JSON object"):
        survey(["[1, 2]\n"])


def test_a_ticket_twice_in_one_file_is_refused(home):
    lines = exported(home)
    with pytest.raises(MalformedExport, match=r"^line 4: ticket #1 again \(first on line 1\)"):
        survey([*lines, lines[0]])
