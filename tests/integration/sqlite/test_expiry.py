"""What DynamoDB's TTL and conditions do where the ports leave it open, done the same way:
the inbox forgets a delivery after INBOX_DAYS, expired links, rate windows, sessions and mail
budgets are removed."""

from __future__ import annotations

from datetime import timedelta

from services.adapters.sqlite import (
    INBOX_DAYS,
    SqliteRequesterLinks,
    expire,
)
from services.adapters.sqlite.mail_budget import SqliteMailBudget
from services.adapters.sqlite.sessions import SqliteSessions
from services.domain.inbound import Inbound


def delivery(name: str) -> Inbound:
    return Inbound(source="github", delivery=name, action="comment", thread="gh#1")


def test_a_delivery_is_forgotten_after_the_inbox_days(inbox, outbox, clock):
    assert inbox.record(delivery("d1"))
    clock.advance(days=INBOX_DAYS, seconds=-1)
    assert not inbox.record(delivery("d1"))
    clock.advance(seconds=1)
    assert inbox.record(delivery("d1"))  # a redelivery this late files again
    assert [e.position for e in outbox.after(0)] == [2]  # the old one went with its row


def test_expire_removes_only_what_is_past_its_time(db, inbox, clock):
    links, sessions = SqliteRequesterLinks(db, clock), SqliteSessions(db, clock)
    budget = SqliteMailBudget(db)
    inbox.record(delivery("old"))
    assert budget.take("ana@example.org", clock.now(), 1)
    old_link = links.issue("ana@example.org")
    old_session = sessions.start("requester", "ana@example.org", timedelta(hours=12))
    clock.advance(days=INBOX_DAYS)
    inbox.record(delivery("new"))
    new_link = links.issue("ana@example.org")
    new_session = sessions.start("requester", "ana@example.org", timedelta(hours=12))
    assert budget.take("ana@example.org", clock.now(), 1)
    assert expire(db, clock.now()) == {
        "inbox": 1,
        "login_links": 1,
        "login_rate": 1,
        "sessions": 1,
        "mail_budget": 1,
    }
    assert not budget.take("ana@example.org", clock.now(), 1)  # this hour's counter stays
    assert sessions.find(old_session) is None and sessions.find(new_session) is not None
    assert inbox.outcome(delivery("old")) is None and not inbox.settle(delivery("old"), "x")
    assert inbox.settle(delivery("new"), "kept")
    assert links.redeem(old_link or "") is None
    assert links.redeem(new_link or "") == "ana@example.org"
