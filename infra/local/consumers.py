"""The SQLite home's relay: each consumer (triage, notify, webhooks, inbound) reads the outbox
after its own position and hands every item it wants to the same use case a queue handler
calls on AWS, with the same at-least-once, retry and dead-letter semantics as the queues.

- At least once: a consumer's position (the outbox reader of its name, in the database)
  moves past an item only after the item was handled, or its failure recorded for a retry
  or a dead letter (relay_ledger.py). A kill at any moment leaves the position before
  whatever was not settled, and the next start hands it over again; every use case is
  idempotent (the mail ledger, the inbox receipt, the ticket's version).
- Retries: a failed item waits base * 2**(tries-1) seconds (at most RETRY_CAP_SECONDS, or
  what the consumer asked by raising RetryAfter) in the ledger, not in the way: the consumer
  goes on with the items after it, as a queue does. After `max_attempts` tries the item is a
  dead letter. Each consumer has its thread and its position: one failing blocks no other.
- Waking: a consumer with nothing to do sleeps on the database's bell (bell.py) until a
  commit of this process, the next retry, or POLL_SECONDS (another process's writes).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.adapters.sqlite import OutboxEntry, SqliteOutbox
from services.domain.events import Event
from services.domain.inbound import Inbound

from .bell import Bell
from .relay_ledger import RelayLedger

log = logging.getLogger("rtflow.home")

POLL_SECONDS = 5.0
BATCH = 100
RETRY_BASE_SECONDS = 2.0
RETRY_CAP_SECONDS = 300.0

Item = Event | Inbound


class RetryAfter(Exception):
    """A consumer's failure that says when to try again."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Waiting(Exception):
    """Not a failure: the item waits for something that comes later (a delivery for a thread
    whose ticket is not filed yet). Tried again as a failure is, logged as one line."""


@dataclass(frozen=True)
class Consumer:
    name: str  # its outbox reader's name
    accepts: Callable[[Item], bool]
    handle: Callable[[Item, int], Any]  # the item, and which try this is (1, 2, ...)
    max_attempts: int = 5
    # The reader this one replaces: a new reader starts where that one stopped, if it ran.
    takes_over: str = ""


def item_json(item: Item) -> str:
    return json.dumps(item.to_message()) if isinstance(item, Event) else item.model_dump_json()


class ConsumerThread(threading.Thread):
    def __init__(
        self,
        consumer: Consumer,
        outbox: SqliteOutbox,
        ledger: RelayLedger,
        bell: Bell,
        *,
        retry_base: float = RETRY_BASE_SECONDS,
        poll: float = POLL_SECONDS,
    ) -> None:
        super().__init__(name=f"{consumer.name}-consumer", daemon=True)
        self.consumer, self.outbox, self.ledger, self.bell = consumer, outbox, ledger, bell
        self.retry_base, self.poll = retry_base, poll
        self.idle = threading.Event()
        self.stopping = threading.Event()
        self.position = self._stored = 0

    def start(self) -> None:
        # Before anything else writes: a reader seen for the first time starts at the end
        # (a new consumer, or a data directory filled by an import, hears only what comes),
        # or where the reader it takes over from stopped.
        if self._stored_position(self.consumer.name) is None:
            earlier = self._stored_position(self.consumer.takes_over)
            start = self.outbox.last() if earlier is None else earlier
            self.outbox.advance(self.consumer.name, start)
        self.position = self._stored = self.outbox.position(self.consumer.name)
        super().start()

    def _stored_position(self, reader: str) -> int | None:
        if not reader:
            return None
        row = self.outbox.db.row("SELECT position FROM outbox_readers WHERE name = ?", (reader,))
        return None if row is None else int(row["position"])

    def stop(self) -> None:
        self.stopping.set()
        self.bell.ring()

    def run(self) -> None:
        while not self.stopping.is_set():
            seen = self.bell.count
            try:
                busy = self.step()
            except Exception:  # the database busy or gone: try again after a while
                log.exception("%s: reading the outbox failed; trying again", self.name)
                busy = False
            if busy:
                self.idle.clear()
                continue
            self.idle.set()
            self.bell.wait(seen, self._sleep())

    def step(self) -> bool:
        """Handle the retries that are due, then what is new; whether there was anything."""
        retried = self._retry_due()
        return self._read_new() or retried

    def _read_new(self) -> bool:
        entries = self.outbox.after(self.position, BATCH)
        for entry in entries:
            if self.stopping.is_set():
                break
            if self.consumer.accepts(entry.item):
                self._try(entry, 1)
                self._advance(entry.position)
            else:
                self.position = entry.position
        self._advance(self.position)
        return bool(entries)

    def _advance(self, position: int) -> None:
        self.position = position
        if position > self._stored:
            self.outbox.advance(self.consumer.name, position)
            self._stored = position

    def _retry_due(self) -> bool:
        due = self.ledger.due(self.consumer.name, time.time())
        for position, attempts in due:
            found = self.outbox.after(position - 1, 1)
            if not found or found[0].position != position:  # expired meanwhile: nothing to do
                self.ledger.done(self.consumer.name, position)
                continue
            self._try(found[0], attempts + 1)
        return bool(due)

    def _try(self, entry: OutboxEntry, attempt: int) -> None:
        try:
            self.consumer.handle(entry.item, attempt)
        except Exception as e:
            self._failed(entry, attempt, e)
        else:
            if attempt > 1:
                self.ledger.done(self.consumer.name, entry.position)

    def _failed(self, entry: OutboxEntry, attempt: int, error: Exception) -> None:
        """Record the retry or the dead letter. What was expected (a wait, a receiver that
        failed) is one line; anything else is a bug, and its traceback is logged."""
        name, text = self.consumer.name, f"{type(error).__name__}: {error}"
        if attempt >= self.consumer.max_attempts:
            self.ledger.dead_letter(name, entry.position, attempt, text, item_json(entry.item))
            log.error(
                "%s: item %d failed %d times, dead-lettered: %s",
                name,
                entry.position,
                attempt,
                text,
            )
            return
        if isinstance(error, RetryAfter):
            wait = error.seconds
        else:
            wait = min(RETRY_CAP_SECONDS, self.retry_base * 2 ** (attempt - 1))
        self.ledger.retry_later(name, entry.position, attempt, time.time() + wait, text)
        if isinstance(error, Waiting):
            log.info(
                "%s: item %d waits (try %d), again in %.0fs: %s",
                name,
                entry.position,
                attempt,
                wait,
                error,
            )
            return
        log.warning(
            "%s: item %d failed (try %d), again in %.0fs: %s",
            name,
            entry.position,
            attempt,
            wait,
            text,
            exc_info=None if isinstance(error, RetryAfter) else error,
        )

    def _sleep(self) -> float:
        next_due = self.ledger.next_due(self.consumer.name)
        if next_due is None:
            return self.poll
        return max(0.01, min(self.poll, next_due - time.time()))
