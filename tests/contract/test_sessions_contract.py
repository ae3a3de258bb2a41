"""The Sessions' contract, the same cases in memory, on DynamoDB and on SQLite: a session is
found by its id until it ends or expires, only its digest is kept, and every sign-in makes
a new id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.adapters.dynamo.sessions import DynamoSessions
from services.adapters.sqlite.sessions import SqliteSessions
from tests.contract.conftest import _on
from tests.fake_sessions import FakeSessions

HOUR = timedelta(hours=1)


@pytest.fixture
def sessions(request, backend, clock):
    return _on(
        request,
        backend,
        lambda: FakeSessions(clock),
        lambda t: DynamoSessions(t, clock),
        lambda d: SqliteSessions(d, clock),
    )


def test_a_session_is_found_by_its_id_with_what_it_signed_in(sessions, tag):
    sid = sessions.start("staff", f"mira-{tag}", HOUR, {"digest": "abc"})

    found = sessions.find(sid)

    assert (found.kind, found.subject, dict(found.data)) == (
        "staff",
        f"mira-{tag}",
        {"digest": "abc"},
    )


def test_every_start_makes_a_new_unguessable_id(sessions, tag):
    ids = {sessions.start("requester", f"ana-{tag}@example.org", HOUR) for _ in range(5)}

    assert len(ids) == 5
    assert all(len(i) >= 43 for i in ids)  # 256 bits of url-safe base64


def test_an_ended_session_is_gone_and_ending_it_again_is_harmless(sessions, tag):
    sid = sessions.start("staff", f"mira-{tag}", HOUR)
    other = sessions.start("staff", f"mira-{tag}", HOUR)

    sessions.end(sid)
    sessions.end(sid)

    assert sessions.find(sid) is None
    assert sessions.find(other) is not None  # another browser's session lives on


def test_a_session_expires(sessions, clock, tag):
    sid = sessions.start("requester", f"ana-{tag}@example.org", HOUR)

    clock.advance(seconds=HOUR.total_seconds() - 2)
    assert sessions.find(sid) is not None
    clock.advance(seconds=2)
    assert sessions.find(sid) is None


@pytest.mark.parametrize("made_up", ["", "x", "y" * 500])
def test_an_unknown_empty_or_oversized_id_finds_nothing(sessions, made_up):
    assert sessions.find(made_up) is None
    sessions.end(made_up)  # and ends nothing
