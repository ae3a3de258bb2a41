"""Watchers, merging and bulk actions end to end on the embedded stack, over the JSON API: a CC
named when filing and a watcher staff add hear the ticket's public steps and no internal one,
a merged duplicate closes pointing at its target and its requester joins the target's
watchers, a watcher's one-click link stops their mail, and a bulk action answers ticket by
ticket."""

from __future__ import annotations

import re

import pytest
import requests

from .staff_api import neutral_ticket_body
from .support import tag, unique

pytestmark = pytest.mark.e2e

MESSAGE = "A message from the team"


def public_mail_to(wait_for_mail, address: str, said: str) -> dict:
    return wait_for_mail(lambda m: address in m["to"] and said in m["text"], timeout=20)[0]


def unwatch_link(mail: dict) -> str:
    match = re.search(r"https?://\S+/unwatch\?\S+", mail["text"])
    assert match, mail["text"]
    return match.group(0)


def test_watchers_hear_public_steps_a_merge_gathers_them_and_a_link_stops_the_mail(
    api, tickets, mail, wait_for_mail
):
    uid = unique()
    cc, kim = f"cc-{uid}@example.net", f"kim-{uid}@example.net"
    target = tickets.triaged(neutral_ticket_body(uid, cc=[cc]))
    duplicate = tickets.triaged(
        neutral_ticket_body(requester={"name": "Sam Otto", "email": f"sam-{uid}@example.net"})
    )
    copied = wait_for_mail(lambda m: cc in m["to"] and "Copied" in m["subject"], timeout=20)[0]
    assert tag(target.number) in copied["subject"] and target.token not in copied["text"]

    view = api.ok(target.number, "watchers", "jonas", {"add": [kim]})  # any staff member
    assert set(view["watchers"]) == {cc, kim}

    refused = api.act(duplicate.number, "merge", "jonas", {"into": target.number})
    assert refused.status_code == 403  # an engineer may not merge
    merged = api.ok(duplicate.number, "merge", "mira", {"into": target.number})
    assert (merged["status"], merged["merged_into"]) == ("closed", target.number)
    assert duplicate.requester in api.view(target.number)["watchers"]
    moved = wait_for_mail(
        lambda m: duplicate.requester in m["to"] and "Merged into" in m["subject"], timeout=20
    )[0]
    assert f"#{target.number}" in moved["subject"]

    note, said = f"note-{uid}: the vendor's price", f"said-{uid}: chairs come Friday"
    api.ok(target.number, "comment", "tomas", {"message": note})
    api.ok(target.number, "comment", "tomas", {"message": said, "public": True})
    for address in (target.requester, cc, kim, duplicate.requester):
        told = public_mail_to(wait_for_mail, address, said)
        assert MESSAGE in told["subject"]
    outside = [m for m in mail() if not all(a.endswith("@example.org") for a in m["to"])]
    assert all(note not in m["text"] for m in outside)  # the note stays with the team

    # Kim's mail client unsubscribes in one click (RFC 8058); the next public step skips Kim.
    link = unwatch_link(public_mail_to(wait_for_mail, kim, said))
    r = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert r.status_code == 200, r.text
    assert kim not in api.view(target.number)["watchers"]
    later = f"later-{uid}: chairs delivered"
    api.ok(target.number, "comment", "tomas", {"message": later, "public": True})
    public_mail_to(wait_for_mail, cc, later)
    assert not [m for m in mail() if kim in m["to"] and later in m["text"]]


def test_a_bulk_action_answers_for_each_ticket_in_its_own_transaction(api, tickets):
    open_one, other = tickets.triaged(), tickets.triaged()
    api.ok(other.number, "reject", "mira", {"reason": "a duplicate of an old one"})
    body = {
        "tickets": [open_one.number, other.number],
        "action": "reject",
        "reason": "Out of scope",
    }
    r = requests.post(
        f"{api.base_url}/api/v1/tickets/bulk", json=body, headers=api.headers("mira"), timeout=20
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["done"], answer["refused"]) == (1, 1)
    first, second = answer["results"]
    assert (first["ticket"], first["ok"], first["status"]) == (open_one.number, True, "rejected")
    assert (second["ticket"], second["ok"], second["code"]) == (other.number, False, 409)
    assert api.view(open_one.number)["status"] == "rejected"
    unauthorized = requests.post(f"{api.base_url}/api/v1/tickets/bulk", json=body, timeout=10)
    assert unauthorized.status_code == 401
