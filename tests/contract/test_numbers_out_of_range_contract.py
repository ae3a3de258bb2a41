"""A ticket number no store can hold is a ticket that does not exist, on every home: a
client may send any number (a bulk action's list, a merge's target), and the answer must be
"not found", never an error of the store."""

from __future__ import annotations

import pytest

from services.domain.errors import TicketNotFound

HUGE = [2**63, 2**70, 10**30]


@pytest.mark.parametrize("number", HUGE)
def test_get_of_a_number_past_any_store_is_not_found(tickets, number):
    with pytest.raises(TicketNotFound):
        tickets.get(number)


def test_get_many_leaves_such_numbers_out(tickets):
    assert tickets.get_many(HUGE) == {}
