"""The SQLite home's relay (infra/local/consumers.py): each consumer reads the outbox after
its own position, wakes on this process's commits, retries a failure with backoff without
holding up what comes after it, dead-letters it after its tries, and never moves past an item
it has not settled."""

from __future__ import annotations

import json
import threading
import time

import pytest

from infra.local.bell import Bell, RingingDatabase
from infra.local.consumers import Consumer, ConsumerThread, RetryAfter
from infra.local.relay_ledger import RelayLedger
from services.adapters.sqlite import SqliteInbox, SqliteOutbox
from services.domain.inbound import Inbound
from tests.e2e.support import eventually

SLOW_POLL = 60.0  # longer than any test: only the bell can wake a consumer in time


def delivery(name: str) -> Inbound:
    return Inbound(source="github", delivery=name, action="comment", thread="gh#1")


@pytest.fixture
def home(tmp_path, clock):
    bell = Bell()
    db = RingingDatabase(tmp_path / "rtflow.db", bell)
    ledger = RelayLedger(tmp_path / "relay.db")
    running: list[ConsumerThread] = []

    class Home:
        inbox = SqliteInbox(db, clock)
        outbox = SqliteOutbox(db)

        def start(self, consumer: Consumer) -> ConsumerThread:
            thread = ConsumerThread(
                consumer, self.outbox, ledger, bell, retry_base=0.05, poll=SLOW_POLL
            )
            thread.start()
            running.append(thread)
            return thread

    Home.ledger = ledger
    yield Home()
    for thread in running:
        thread.stop()
        thread.join(5)
    ledger.close()
    db.close()


def recorder(name: str, fail: set[str] | None = None, max_attempts: int = 3):
    """A consumer noting (delivery, try) of what it is handed; failing always for `fail`."""
    seen: list[tuple[str, int]] = []
    lock = threading.Lock()

    def handle(item, attempt):
        with lock:
            seen.append((item.delivery, attempt))
        if item.delivery in (fail or set()):
            raise RuntimeError(f"{item.delivery} cannot be handled")

    return Consumer(name, lambda item: True, handle, max_attempts), seen


def test_a_commit_wakes_the_consumer_and_its_position_moves_past_what_it_handled(home):
    consumer, seen = recorder("inbound")
    thread = home.start(consumer)
    home.inbox.record(delivery("d1"))
    home.inbox.record(delivery("d2"))
    eventually(lambda: len(seen) == 2, timeout=2, what="both deliveries handled")
    assert seen == [("d1", 1), ("d2", 1)]
    eventually(lambda: home.outbox.position("inbound") == 2, timeout=2, what="the position")
    assert thread.is_alive()


def test_a_new_reader_starts_at_the_end_and_a_known_one_where_it_stopped(home):
    home.inbox.record(delivery("before"))
    first, seen_first = recorder("notify")
    home.start(first).stop()
    home.inbox.record(delivery("while stopped"))
    again, seen_again = recorder("notify")
    home.start(again)
    eventually(lambda: seen_again, timeout=2, what="the delivery made while it was stopped")
    assert seen_first == [] and seen_again == [("while stopped", 1)]


def test_a_failure_is_retried_with_backoff_then_dead_lettered_without_blocking(home):
    failing, seen = recorder("notify", fail={"bad"}, max_attempts=3)
    healthy, seen_healthy = recorder("triage")
    home.start(failing)
    home.start(healthy)
    home.inbox.record(delivery("bad"))
    home.inbox.record(delivery("good"))
    eventually(lambda: ("good", 1) in seen, timeout=2, what="the next item, not held up")
    eventually(lambda: home.ledger.dead_letters("notify"), timeout=5, what="a dead letter")
    assert [s for s in seen if s[0] == "bad"] == [("bad", 1), ("bad", 2), ("bad", 3)]
    assert seen_healthy == [("bad", 1), ("good", 1)]
    (dead,) = home.ledger.dead_letters()
    assert (dead["consumer"], dead["position"], dead["attempts"]) == ("notify", 1, 3)
    assert "cannot be handled" in dead["error"]
    assert json.loads(dead["item"])["delivery"] == "bad"
    assert home.ledger.next_due("notify") is None
    assert home.outbox.position("notify") == 2


def test_a_consumer_may_say_when_to_try_again(home):
    tries: list[float] = []

    def handle(item, attempt):
        tries.append(time.monotonic())
        if attempt == 1:
            raise RetryAfter(0.5, "the subscriber is down")

    home.start(Consumer("webhooks", lambda item: True, handle))
    home.inbox.record(delivery("d1"))
    eventually(lambda: len(tries) == 2, timeout=3, what="the second try")
    assert tries[1] - tries[0] >= 0.45


def test_a_retry_waiting_at_a_stop_is_tried_after_the_start(home):
    flaky = {"calls": 0}

    def handle(item, attempt):
        flaky["calls"] += 1
        if flaky["calls"] == 1:
            raise RetryAfter(1.0, "down for now")

    first = home.start(Consumer("inbound", lambda item: True, handle))
    home.inbox.record(delivery("d1"))
    eventually(lambda: home.ledger.next_due("inbound"), timeout=2, what="a retry recorded")
    first.stop()
    first.join(5)
    assert home.outbox.position("inbound") == 1  # past it: the retry holds it now
    home.start(Consumer("inbound", lambda item: True, handle))
    eventually(lambda: flaky["calls"] == 2, timeout=3, what="the retry after the start")
    eventually(lambda: home.ledger.next_due("inbound") is None, timeout=2, what="settled")
    assert home.ledger.dead_letters() == []


def test_items_the_consumer_does_not_want_only_move_its_position(home):
    handed: list[str] = []
    wants = Consumer(
        "triage", lambda item: item.delivery == "mine", lambda i, n: handed.append(i.delivery)
    )
    home.start(wants)
    for name in ("other", "mine", "another"):
        home.inbox.record(delivery(name))
    eventually(lambda: home.outbox.position("triage") == 3, timeout=2, what="the position")
    assert handed == ["mine"]
