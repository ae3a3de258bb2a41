"""The public queue's answers are cacheable (never stored with credentials), and its feed is
Atom with the recently updated public tickets."""

from __future__ import annotations

import re

import pytest

from services.domain.actors import Actor
from tests.integration.public_queue.queue_helpers import ATOM, atom, file

# -- caching -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/queue", "/api/v1/queue", "/queue.atom"])
def test_answers_are_cacheable_and_revalidate(client, tickets, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=30"
    etag = r.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/queue", "/api/v1/queue", "/queue.atom"])
def test_a_request_with_a_token_or_credentials_is_never_stored(client, tickets, path):
    assert client.get(f"{path}?token=abc").headers["Cache-Control"] == "no-store"
    with_auth = client.get(path, headers={"Authorization": "Bearer rtf_mira_x"})
    assert with_auth.headers["Cache-Control"] == "no-store"


def test_other_pages_stay_no_store(client, tickets):
    assert client.get("/tickets/new").headers["Cache-Control"] == "no-store"


# -- the feed ------------------------------------------------------------------------------


def test_the_feed_is_atom_with_one_entry_per_recently_updated_public_ticket(
    client, container, repo, tickets, clock
):
    mira = Actor.staff(container.flow.member("mira"))
    plants = repo.get(tickets["plants"])
    repo.save(plants, plants.take(now=clock.now(), actor=mira))  # the latest public update
    r = client.get("/queue.atom")
    assert r.mimetype == "application/atom+xml"
    feed = atom(r)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert feed.findtext(ATOM + required), required
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "self": "http://rt.example.org/queue.atom",
        "alternate": "http://rt.example.org/queue",
    }
    entries = feed.findall(f"{ATOM}entry")
    numbers = [int(e.findtext(f"{ATOM}title").split()[0][1:]) for e in entries]
    # Newest update first; the closed ticket was closed today (its events say so).
    assert numbers[0] == tickets["plants"]
    public = [tickets["xss"], tickets["db"], tickets["plants"], tickets["done"]]
    assert sorted(numbers) == sorted(public)
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    for e, n in zip(entries, numbers, strict=True):
        href = e.find(f"{ATOM}link").get("href")
        assert href == f"http://rt.example.org/queue?ticket={n}#ticket-{n}"  # not the status page
        assert e.findtext(f"{ATOM}id") == href
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.findtext(f"{ATOM}updated"))
        assert e.find(f"{ATOM}category").get("term")
    plants_entry = entries[0].findtext(f"{ATOM}summary")
    assert "Assigned" in plants_entry and "Mira Okafor" in plants_entry


def test_the_feed_has_a_ticket_finished_today_and_honours_filters(client, container, repo, clock):
    old = file(container, title="Filed long ago")
    clock.advance(days=90)
    mira = Actor.staff(container.flow.member("mira"))
    ticket = repo.get(old.number)
    repo.save(ticket, ticket.reject(now=clock.now(), actor=mira, reason="Not ours"))
    feed = atom(client.get("/queue.atom"))
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == [
        f"#{old.number} Filed long ago"
    ]
    filtered = atom(client.get("/queue.atom?type=database"))
    assert filtered.findall(f"{ATOM}entry") == []
    links = {link.get("rel"): link.get("href") for link in filtered.findall(f"{ATOM}link")}
    assert links["self"] == "http://rt.example.org/queue.atom?type=database"
