"""The RequesterLinks' contract, the same cases on the fake, on DynamoDB and on SQLite: a link
signs its address in once, for a short while, and an address gets only a few links a quarter
hour."""

from __future__ import annotations

from datetime import timedelta

LIFETIME = timedelta(minutes=30)
WINDOW = timedelta(minutes=15)
PER_WINDOW = 3


def test_a_link_signs_its_address_in_once(links, tag):
    token = links.issue(f"Ana-{tag}@Example.org")
    assert token
    assert links.redeem(token) == f"ana-{tag}@example.org".lower()
    assert links.redeem(token) is None


def test_an_unknown_empty_or_oversized_token_signs_nobody_in(links, tag):
    assert links.redeem("made-up") is None
    assert links.redeem("") is None
    assert links.redeem("x" * 500) is None


def test_a_link_expires(links, clock, tag):
    early, late = links.issue(f"a-{tag}@example.org"), links.issue(f"b-{tag}@example.org")
    clock.advance(seconds=LIFETIME.total_seconds() - 1)
    assert links.redeem(early) == f"a-{tag}@example.org".lower()
    clock.advance(seconds=1)
    assert links.redeem(late) is None


def test_an_address_gets_a_few_links_a_window(links, clock, tag):
    # Start a fresh window, so all of the asking falls in one.
    now = clock.now()
    seconds = int(now.timestamp()) % int(WINDOW.total_seconds())
    clock.advance(seconds=WINDOW.total_seconds() - seconds)
    email = f"busy-{tag}@example.org"
    tokens = [links.issue(email) for _ in range(PER_WINDOW)]
    assert all(tokens) and len(set(tokens)) == PER_WINDOW
    assert links.issue(email) is None
    assert links.issue(email.upper()) is None  # the same address
    assert links.issue(f"other-{tag}@example.org")
    assert [links.redeem(t) for t in tokens] == [email.lower()] * PER_WINDOW  # still good
    clock.advance(seconds=WINDOW.total_seconds())
    assert links.issue(email)
