"""Who may act on a ticket over the API on the embedded stack: no token or a bad one is 401,
an engineer may not assign, a requester's token is no staff token, unknown tickets, actions
and assignees are refused; a triager assigns and the new owner hears of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from .staff_api import EMAIL, ENGINEER, OTHER, TRIAGER, Filed, error, kinds, neutral_ticket_body
from .support import Wanted, expect_mails

pytestmark = pytest.mark.e2e


# -- who may act ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def untouched(api) -> Iterator[Filed]:
    """A triaged, unowned ticket that the refused requests below must leave as it is."""
    filed = api.triaged(neutral_ticket_body())
    yield filed
    api.finish(filed.number)


def assert_untouched(api, filed: Filed) -> None:
    view = api.view(filed.number)
    assert (view["status"], view["owner"]) == ("triaged", None)
    assert "ticket.assigned" not in kinds(view)


def test_an_action_without_a_token_is_401(api, untouched):
    r = requests.post(f"{api.base_url}/api/v1/tickets/{untouched.number}/take", json={}, timeout=10)

    assert r.status_code == 401, r.text
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert_untouched(api, untouched)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer rtf_tomas_not-a-real-secret", "Bearer nonsense", "Basic dG9tYXM6eA=="],
)
def test_an_action_or_the_staff_view_with_a_bad_token_is_401(api, untouched, authorization):
    headers = {"Authorization": authorization}
    url = f"{api.base_url}/api/v1/tickets/{untouched.number}"

    take = requests.post(f"{url}/take", json={}, headers=headers, timeout=10)
    view = requests.get(url, headers=headers, timeout=10)

    assert take.status_code == 401, take.text
    assert view.status_code == 401, view.text
    assert_untouched(api, untouched)


def test_an_engineer_may_not_assign_only_a_triager_or_bugmeister(api, untouched):
    r = api.act(untouched.number, "assign", OTHER, {"owner": ENGINEER})

    assert r.status_code == 403, r.text
    assert "triager or bugmeister" in error(r)
    assert_untouched(api, untouched)


def test_the_requester_token_does_not_let_its_holder_act_as_staff(api, untouched):
    r = api.as_requester(untouched.number, "take", untouched.token, {})

    assert r.status_code == 403, r.text
    assert_untouched(api, untouched)


def test_an_unknown_ticket_or_action_is_404_and_an_unknown_assignee_422(api, untouched):
    assert api.act(10**9, "take", ENGINEER).status_code == 404
    assert api.act(untouched.number, "teleport", ENGINEER).status_code == 404

    r = api.act(untouched.number, "assign", TRIAGER, {"owner": "nobody"})

    assert r.status_code == 422, r.text
    assert "owner" in r.json()["errors"]
    assert_untouched(api, untouched)


def test_a_triager_assigns_and_the_new_owner_hears_of_it(api, tickets):
    api.make_room(ENGINEER, free=1)
    filed = tickets.triaged()

    view = api.ok(filed.number, "assign", TRIAGER, {"owner": ENGINEER})

    assert (view["status"], view["owner"]) == ("assigned", ENGINEER)
    [assigned] = [h for h in view["history"] if h["kind"] == "ticket.assigned"]
    assert assigned["actor"] == f"staff:{TRIAGER}"
    assert assigned["data"]["how"] == "assigned"
    expect_mails(api.base_url, Wanted(filed.number, EMAIL[ENGINEER], "Assigned to you"))
