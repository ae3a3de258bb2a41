"""The clients: requests timed one by one, the work shared by one thread per client."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

REQUEST_TIMEOUT_S = 60.0


@dataclass
class Filing:
    number: int
    token: str
    sent: float  # the client's wall clock (time.time()) when the request went out
    answered: float  # ... and when the 201 arrived
    ms: float  # the request's latency (perf_counter)


def run_clients(
    sessions: list, count: int, work: Callable[[Any, int], Any]
) -> tuple[list[Any], float]:
    """`count` calls of work(session, i) shared by one thread per session (client k does
    i = k, k + clients, ...), all starting together; the results in order of i, and the
    seconds from the start to the last one's end."""
    clients = len(sessions)
    results: list[Any] = [None] * count
    errors: list[Exception] = []
    start = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        start.wait()
        try:
            for i in range(k, count, clients):
                results[i] = work(sessions[k], i)
        except Exception as e:  # raised again by the caller
            errors.append(e)

    threads = [
        threading.Thread(target=client, args=(k,), name=f"client-{k}") for k in range(clients)
    ]
    for t in threads:
        t.start()
    start.wait()
    t0 = perf_counter()
    for t in threads:
        t.join()
    seconds = perf_counter() - t0
    if errors:
        raise errors[0]
    return results, seconds


def get_ms(session, url: str) -> float:
    start = perf_counter()
    r = session.get(url, timeout=REQUEST_TIMEOUT_S)
    ms = 1000 * (perf_counter() - start)
    r.raise_for_status()
    return ms


def file_one(session, base_url: str, body: dict[str, Any]) -> Filing:
    sent = time.time()
    start = perf_counter()
    r = session.post(f"{base_url}/api/v1/tickets", json=body, timeout=REQUEST_TIMEOUT_S)
    ms = 1000 * (perf_counter() - start)
    answered = time.time()
    if r.status_code != 201:  # the setup is wrong, not slow: say so rather than report it
        raise RuntimeError(f"POST /api/v1/tickets answered {r.status_code}: {r.text[:500]}")
    created = r.json()
    token = parse_qs(urlsplit(created["status_url"]).query)["token"][0]
    return Filing(created["id"], token, sent, answered, ms)
