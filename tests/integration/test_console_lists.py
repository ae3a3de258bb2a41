"""The staff console's lists on a SQLite home of its own (the pages, not the store, are under
test here; see sqlite_container): the queue by section, my tickets with my WIP and
the escalations to me, the staff-meeting agenda, postponements and breached SLAs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.integration.console_helpers import (
    FOR_MIRA,
    UNOWNED,
    act_as,
    file,
    listed,
    section,
    sign_in,
)


@pytest.fixture
def container(sqlite_container):
    return sqlite_container


# -- the lists -----------------------------------------------------------------------------


def test_the_queue_shows_each_ticket_in_its_section(container, mira):
    unowned = file(container, **UNOWNED)
    new = file(container, triaged=False, **UNOWNED)
    needs_info = file(container, end_state="tbd", **UNOWNED)
    mine = file(container, **FOR_MIRA)
    assert container.tickets.get(mine).owner == "mira"

    page = mira.get("/staff/").text
    triaged_part = section(page, "triaged-title")
    assert listed(triaged_part, unowned) and not listed(triaged_part, new)
    assert listed(section(page, "new-title"), new)
    assert listed(section(page, "needs-info-title"), needs_info)
    owners = section(page, "owners-title")
    assert "Mira Okafor: 1 of 3 open" in owners
    assert listed(owners, mine) and not listed(owners, unowned)
    assert "Tomás Lindqvist: 0 of 4 open" in owners


def test_mine_shows_my_tickets_with_the_wip_count_and_escalations_to_me(container, mira):
    owned = [file(container, **FOR_MIRA) for _ in range(2)]
    other = file(
        container,
        title="Restore the MySQL backup",
        requirements="Restore last night's mysql backup of the wiki database.",
    )
    assert container.tickets.get(other).owner == "priya"
    act_as(container, "priya", other, "escalate", {"to": "mira", "reason": "needs DNS too"})

    page = mira.get("/staff/mine").text
    assert "2 of 3 open" in page
    assert all(listed(section(page, "mine-title"), n) for n in owned)
    escalated = section(page, "escalated-title")
    assert listed(escalated, other)
    assert "Priya Raman" in escalated and "needs DNS too" in escalated
    assert not listed(section(page, "mine-title"), other)


def test_the_agenda_lists_unowned_and_escalated_tickets_oldest_first(container, mira, mira_token):
    first = file(container, **UNOWNED)
    container.clock.advance(days=2)
    second = file(container, **UNOWNED)
    escalated = file(container, **FOR_MIRA)
    act_as(container, "mira", escalated, "escalate", {"to": "ada", "reason": "out of my depth"})
    container.clock.advance(days=1)

    sign_in(mira, mira_token)  # three days on: the morning's session has ended
    page = mira.get("/staff/agenda").text
    unowned = section(page, "unowned-title")
    assert unowned.index(f">#{first}<") < unowned.index(f">#{second}<")
    assert not listed(unowned, escalated)
    part = section(page, "escalations-title")
    assert listed(part, escalated)
    assert "Mira Okafor" in part and "Ada Brennan" in part and "out of my depth" in part
    assert re.search(rf">#{first}</a></td>.*?<td>3</td>", unowned, re.S)  # age in days


def test_the_lists_show_a_postponement_and_a_breached_sla(container, mira):
    number = file(container, **UNOWNED)
    act_as(container, "mira", number, "take")
    until = (container.clock.now() + timedelta(days=2)).isoformat()
    act_as(
        container, "mira", number, "postpone", {"until": until, "reason": "vendor", "public": False}
    )
    ticket = container.tickets.get(number)
    container.tickets.save(
        ticket, ticket.fire("sla-breach:first_response", now=container.clock.now())
    )
    page = mira.get("/staff/mine").text
    row = page[page.index(f">#{number}<") :].split("</tr>")[0]
    assert "until" in row
    assert "SLA breached: first response" in row
