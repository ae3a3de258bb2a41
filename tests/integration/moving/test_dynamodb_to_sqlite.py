"""From AWS to one machine: tickets filed on DynamoDB, exported, imported into a fresh SQLite
home, read back the same (fields, histories, every view, WIP, status links); the counter
goes on above them; importing the file again changes nothing; no event enters the outbox."""

from __future__ import annotations

import json
from datetime import timedelta

from services.adapters.sqlite import SqliteOutbox
from services.domain.lifecycle import Status
from services.domain.tokens import status_token, token_matches
from tests.integration.sqlite.conftest import every_row

from .conftest import rtflow


def views(repo, clock) -> dict[str, object]:
    """What each view shows, by ticket number (or event id)."""
    shown: dict[str, object] = {}
    for status in Status:
        shown[f"status {status}"] = [t.number for t in repo.by_status(status)]
        shown[f"public {status}"] = [t.number for t in repo.public(status)[0]]
    for member in ("priya", "mira"):
        shown[f"owner {member}"] = [t.number for t in repo.by_owner(member)]
    shown["requester"] = [t.number for t in repo.by_requester("ana@example.org")]
    shown["escalated"] = [t.number for t in repo.escalated()]
    shown["due in a month"] = repo.due(clock.now() + timedelta(days=30))
    shown["events today"] = [e.id for e in repo.events_on(clock.now().date())]
    shown["wip"] = repo.open_counts(["priya", "mira"])
    return shown


def test_tickets_move_from_dynamodb_to_sqlite_whole(
    monkeypatch, tmp_path, container, filed, sqlite_home, database, clock
):
    aws = container.tickets
    out = tmp_path / "tickets.jsonl"
    result = rtflow(monkeypatch, aws, "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"exported 4 tickets (7 events) to {out}\n"
    assert "Exporting" in result.stderr
    assert [json.loads(line)["ticket"]["number"] for line in out.open()] == [1, 2, 3, 4]

    result = rtflow(monkeypatch, sqlite_home, "import", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"imported 4 tickets (7 events) from {out};")
    assert "Importing" in result.stderr

    for number, token in filed.items():
        moved = sqlite_home.get(number)
        assert moved == aws.get(number)
        assert sqlite_home.history(number) == aws.history(number)
        assert token_matches(token, moved.token_digest)  # links already mailed open
        assert status_token(container.settings.secret_key, number, moved.token_salt) == token
    assert views(sqlite_home, clock) == views(aws, clock)
    assert views(sqlite_home, clock)["wip"] == {"priya": 1, "mira": 0}
    assert sqlite_home.next_number() == 5
    assert SqliteOutbox(database).last() == 0  # nothing for the relay: no mail, no triage


def test_importing_the_same_file_twice_changes_nothing(
    monkeypatch, tmp_path, container, filed, sqlite_home, database
):
    out = tmp_path / "tickets.jsonl"
    rtflow(monkeypatch, container.tickets, "export", "--out", str(out))
    rtflow(monkeypatch, sqlite_home, "import", str(out))
    before = every_row(database)

    result = rtflow(monkeypatch, sqlite_home, "import", str(out))
    assert result.exit_code == 0, result.output
    assert "imported 0 tickets (0 events)" in result.stdout
    assert "skipped 4, already there (imported before): #1, #2, #3, #4" in result.stdout
    assert every_row(database) == before
