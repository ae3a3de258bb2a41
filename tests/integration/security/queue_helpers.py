"""A client address per test client, and a count of the index reads the queue makes."""

from __future__ import annotations

from tests.conftest import valid_ticket


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def file(client, **overrides) -> int:
    r = client.post("/api/v1/tickets", json=valid_ticket(**overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


class CountingReads:
    """The repository, counting the public index reads that pass through it."""

    def __init__(self, repo):
        self._repo = repo
        self.public_reads = 0

    def __getattr__(self, name):
        return getattr(self._repo, name)

    def public(self, *args, **kwargs):
        self.public_reads += 1
        return self._repo.public(*args, **kwargs)

    def public_open(self, *args, **kwargs):
        self.public_reads += 1
        return self._repo.public_open(*args, **kwargs)
