"""Following filed tickets to their acknowledgement: the captured mails read from /dev/mail.json,
spaced out (each mail with the time the stack's mailbox captured it), then each acknowledged
ticket's history through its status link, for the time it was filed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter
from typing import Any

from tests.bench.progress import Progress

from .clients import REQUEST_TIMEOUT_S, Filing

POLL_MIN_S = 0.1  # at most one /dev/mail.json read per 100 ms ...
POLL_IDLE = 4  # ... and a pause of at least 4 times the read's own time after each
REQUESTER_ACK = re.compile(r"#(\d+)\] Received: ")
TEAM_ACK = re.compile(r"#(\d+)\] New [\w-]+ ticket: ")
BOTH = frozenset({"requester", "team"})


def acknowledgements(messages: list[dict[str, Any]]) -> dict[int, dict[str, float]]:
    """ticket number → acknowledgement mail ("requester", "team") → when it was captured."""
    found: dict[int, dict[str, float]] = {}
    for m in messages:
        for kind, pattern in (("requester", REQUESTER_ACK), ("team", TEAM_ACK)):
            match = pattern.search(m["subject"])
            if match:
                found.setdefault(int(match.group(1)), {})[kind] = _captured_at(m)
    return found


def _captured_at(mail: dict[str, Any]) -> float:
    at = mail.get("captured_at")
    if at is None:  # a time of 0 would make a latency of -56 years
        raise RuntimeError(f"/dev/mail.json gives no captured_at for {mail['subject']!r}")
    return float(at)


@dataclass
class Polls:
    count: int = 0
    ms: float = 0.0
    last_bytes: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "reads": self.count,
            "ms_mean": round(self.ms / self.count, 1) if self.count else None,
            "bytes_last": self.last_bytes,
        }


def read_mail(session, base_url: str, polls: Polls) -> list[dict[str, Any]]:
    start = perf_counter()
    r = session.get(f"{base_url}/dev/mail.json", timeout=REQUEST_TIMEOUT_S)
    r.raise_for_status()
    polls.count += 1
    polls.ms += 1000 * (perf_counter() - start)
    polls.last_bytes = len(r.content)
    return r.json()["messages"]


def pause(read_s: float) -> None:
    """After a /dev/mail.json read that took `read_s`: reads start >= 100 ms apart, and the
    stack is left alone >= 4/5 of the time (a read serialises every captured mail)."""
    time.sleep(max(POLL_MIN_S - read_s, POLL_IDLE * read_s))


def wait_for_mail(
    session,
    base_url: str,
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float,
    polls: Polls,
) -> bool:
    """Read /dev/mail.json until done(messages); False after `timeout` seconds. Spaced out:
    the stack serialises and sends every captured mail on each read."""
    deadline = time.monotonic() + timeout
    while True:
        start = perf_counter()
        if done(read_mail(session, base_url, polls)):
            return True
        if time.monotonic() > deadline:
            return False
        pause(perf_counter() - start)


def filed_at(session, base_url: str, filing: Filing) -> float:
    """The ticket.filed event's time from the ticket's history, read as the requester reads
    it."""
    r = session.get(
        f"{base_url}/api/v1/tickets/{filing.number}",
        params={"token": filing.token},
        timeout=REQUEST_TIMEOUT_S,
    )
    r.raise_for_status()
    at = {h["kind"]: h["at"] for h in r.json()["history"]}
    return _epoch(at["ticket.filed"])


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def follow(
    session,
    base_url: str,
    filings: list[Filing],
    timeout: float,
    polls: Polls,
    progress: Progress | None = None,
) -> dict[int, tuple[float, float]]:
    """ticket number → (filed, acknowledged) times, for every filing acknowledged within
    `timeout` seconds: the ticket.filed event's, and when the later of its two acknowledgement
    mails was captured. Each round reads /dev/mail.json once, then the history of each ticket
    whose two acknowledgement mails are out, once."""
    pending = {f.number: f for f in filings}
    out: dict[int, tuple[float, float]] = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        start = perf_counter()
        acks = acknowledgements(read_mail(session, base_url, polls))
        read_s = perf_counter() - start
        for number in [n for n in pending if set(acks.get(n, ())) == BOTH]:
            filed = filed_at(session, base_url, pending[number])
            out[number] = (filed, max(acks[number].values()))
            del pending[number]
            if progress is not None:
                progress.update()
        if pending:
            pause(read_s)
    return out
