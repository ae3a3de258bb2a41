"""Filing a ticket with the plain HTML form, and the form's answer to bad input."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from services.domain.flow import OPTIONAL_FIELDS

from .support import AFTER_FILING, Page, in_days, unique

pytestmark = pytest.mark.e2e

FORM_FIELDS = (
    "type",
    "title",
    "requirements",
    *OPTIONAL_FIELDS,
    "requester_name",
    "requester_email",
    "private",
)


def form_data(uid: str, **overrides: str) -> dict[str, str]:
    data = {
        "type": "general",
        "title": f"Form {uid}: a new DNS zone",
        "requirements": f"A zone for lab-{uid}.example.org.\nDelegated from example.org.",
        "end_state": "The zone resolves from the office network.",
        "acceptance_criteria": "dig lab.example.org SOA answers\n- the NS records point at us\n",
        "drop_dead_date": in_days(45),
        "nice_to_have_date": in_days(20),
        "capacity_needs": "A handful of records.",
        "security_needs": "Only the lab team may edit it.",
        "dependencies": "The new name servers\nTechOps #3",
        "requester_name": f"Form Person {uid}",
        "requester_email": f"form-{uid}@example.com",
        "private": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_new_ticket_form_has_a_label_for_every_field(stack):
    r = requests.get(f"{stack}/tickets/new", params={"type": "general"}, timeout=10)

    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    page = Page(r.text)
    controls = page.controls
    for name in FORM_FIELDS:
        assert name in controls, f"the form has no control named {name}"
        control_id = controls[name].get("id")
        assert control_id, f"the {name} control has no id for a label to point at"
        assert page.labels.get(control_id, "").strip(), f"no <label for={control_id!r}>"
    assert page.selects["type"] == "general"
    assert page.textareas["acceptance_criteria"] == ""
    # The general type requires an end state and acceptance criteria: the labels say so.
    assert "(required)" in page.labels["end_state"]
    assert "(required)" in page.labels["acceptance_criteria"]
    assert "(required)" not in page.labels["capacity_needs"]


def test_a_complete_form_files_the_ticket_and_shows_its_private_status_link(stack):
    uid = unique()
    data = form_data(uid)

    r = requests.post(f"{stack}/tickets/new", data=data, allow_redirects=False, timeout=10)

    assert r.status_code == 303, r.text[:2000]
    location = urljoin(f"{stack}/", r.headers["Location"])
    match = re.fullmatch(
        rf"{re.escape(stack)}/tickets/(\d+)/filed\?token=([A-Za-z0-9_-]+)", location
    )
    assert match, location
    number, token = int(match[1]), match[2]

    filed = requests.get(location, timeout=10)
    assert filed.status_code == 200
    page = Page(filed.text)
    assert f"#{number}" in page.text
    status_link = f"{stack}/tickets/{number}?token={token}"
    assert status_link in page.links
    assert status_link in page.text
    assert data["title"] in page.text

    status = requests.get(status_link, timeout=10)
    assert status.status_code == 200
    page = Page(status.text)
    status_tags = [a for t, a in page.tags if t == "strong" and "status" in (a.get("class") or "")]
    shown = status_tags[0]["class"].removeprefix("status status-") if status_tags else None
    assert shown in AFTER_FILING
    assert re.search(rf"Status:\s*{re.escape(shown)}\b", page.text)
    for expected in (
        f"Ticket #{number}",
        data["title"],
        f"lab-{uid}.example.org.",
        "Delegated from example.org.",
        data["end_state"],
        "dig lab.example.org SOA answers",
        "the NS records point at us",
        data["drop_dead_date"],
        data["nice_to_have_date"],
        data["capacity_needs"],
        data["security_needs"],
        "The new name servers",
        "TechOps #3",
        data["requester_name"],
        data["requester_email"],
        "private",
    ):
        assert expected in page.text, f"{expected!r} is missing from the status page"
    # One statement per line: the criteria and dependencies are lists, not one blob.
    items = status.text.count("<li>")
    assert items >= 4

    api = requests.get(f"{stack}/api/v1/tickets/{number}", params={"token": token}, timeout=10)
    assert api.status_code == 200
    ticket = api.json()
    assert ticket["status"] in AFTER_FILING
    assert ticket["private"] is True
    assert ticket["acceptance_criteria"] == [
        "dig lab.example.org SOA answers",
        "the NS records point at us",
    ]
    assert ticket["dependencies"] == ["The new name servers", "TechOps #3"]
    assert ticket["requester"] == {"name": data["requester_name"], "email": data["requester_email"]}


def test_reloading_the_confirmation_does_not_file_the_ticket_twice(stack):
    uid = unique()
    r = requests.post(
        f"{stack}/tickets/new", data=form_data(uid), allow_redirects=False, timeout=10
    )
    assert r.status_code == 303
    location = urljoin(f"{stack}/", r.headers["Location"])
    number = int(re.search(r"/tickets/(\d+)/filed", location)[1])

    for _ in range(2):
        again = requests.get(location, timeout=10)
        assert again.status_code == 200
        assert f"#{number}" in again.text
    # The confirmation needs the token like the status page does.
    token = parse_qs(urlsplit(location).query)["token"][0]
    wrong = requests.get(
        f"{stack}/tickets/{number}/filed", params={"token": token[::-1]}, timeout=10
    )
    assert wrong.status_code == 404


# ---------------------------------------------------------------- a rejected form


def post_invalid(stack: str, data: dict[str, str]) -> tuple[requests.Response, Page]:
    r = requests.post(f"{stack}/tickets/new", data=data, allow_redirects=False, timeout=10)
    assert r.status_code == 422, f"expected 422, got {r.status_code}: {r.text[:1000]}"
    assert r.headers["Content-Type"].startswith("text/html")
    return r, Page(r.text)


def assert_values_kept(page: Page, data: dict[str, str]) -> None:
    for name, typed in data.items():
        if name == "private":
            assert "checked" in page.inputs["private"], "the private box lost its tick"
            continue
        assert page.value(name) == typed, (
            f"{name}: typed {typed!r}, form shows {page.value(name)!r}"
        )


CASES = {
    "a bad email": ({"requester_email": "not-an-email"}, {"requester_email"}),
    "a drop-dead date in the past": (
        {"drop_dead_date": in_days(-30), "nice_to_have_date": ""},
        {"drop_dead_date"},
    ),
    "a nice-to-have date after the drop-dead date": (
        {"drop_dead_date": in_days(10), "nice_to_have_date": in_days(20)},
        {"nice_to_have_date"},
    ),
    "no security needs on an access request": (
        {"type": "access", "security_needs": ""},
        {"security_needs"},
    ),
    "a blank title and requirements": (
        {"title": "  ", "requirements": ""},
        {"title", "requirements"},
    ),
    "a date that is not a date": ({"nice_to_have_date": "next Tuesday"}, {"nice_to_have_date"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_rejected_form_names_the_bad_field_and_keeps_every_value(stack, case):
    overrides, bad_fields = CASES[case]
    data = form_data(unique(), **overrides)

    _, page = post_invalid(stack, data)

    assert "error-summary" in page.classes
    assert set(page.errors) == {f"{f}-error" for f in bad_fields}
    for field in bad_fields:
        assert page.errors[f"{field}-error"].strip(), f"no message next to {field}"
        assert page.controls[field].get("aria-invalid") == "true"
        assert f"{field}-error" in (page.controls[field].get("aria-describedby") or "")
    assert_values_kept(page, data)


def test_a_form_with_many_problems_lists_each_one_and_escapes_what_was_typed(stack):
    uid = unique()
    data = form_data(
        uid,
        type="access",
        title=f'Odd <b>title</b> & "quotes" {uid}',
        requirements="",
        end_state="Ends </textarea><p>here</p>",
        security_needs="",
        drop_dead_date=in_days(10),
        nice_to_have_date=in_days(11),
        requester_name="",
        requester_email='x" autofocus onfocus="alert(1)',
    )

    r, page = post_invalid(stack, data)

    expected = {
        "requirements",
        "security_needs",
        "nice_to_have_date",
        "requester_name",
        "requester_email",
    }
    assert set(page.errors) == {f"{f}-error" for f in expected}
    summary = r.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count("<li>") == len(expected)
    assert f"Please fix {len(expected)} problems" in r.text
    assert_values_kept(page, data)
    # Typed markup comes back as text, never as markup.
    assert "<b>title</b>" not in r.text
    assert "</textarea><p>here</p>" not in r.text
    assert 'onfocus="alert(1)' not in r.text
    assert not any(t in ("b",) for t, _ in page.tags)
    assert "autofocus" not in page.inputs["requester_email"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"colour=red",
        b"type=general&type=access&title=a&title=b",
        b"type=%00&title=%ff%fe&requirements=%c3%28&private=maybe",
        b"\xff\xfe=\xff&requester_email=%F0%9F%98%80@example.com",
        b"drop_dead_date=9999-99-99&nice_to_have_date=-1&acceptance_criteria=" + b"%0A" * 5000,
    ],
    ids=[
        "empty",
        "unknown field",
        "repeated fields",
        "control and broken utf-8",
        "undecodable names",
        "odd dates and blank lines",
    ],
)
def test_no_form_submission_causes_a_server_error(stack, data):
    r = requests.post(
        f"{stack}/tickets/new",
        data=data,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=10,
    )

    assert r.status_code in (303, 400, 422), f"{r.status_code}: {r.text[:500]}"
