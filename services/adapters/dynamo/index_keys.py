"""Index keys an older release wrote, brought up to what a save writes now (`rtflow reindex`).

Every index key of the ticket item is derived from the ticket on each save (codecs.py). When
a release changes how (the public index keyed by open or finished rather than by status, the
status index holding open tickets only), the tickets stored before keep their old keys until
their next change, and the views that read the new keys do not find them. This rewrites them:
a consistent BatchGetItem of the tickets and, for each one whose keys differ, one UpdateItem of
those keys alone, on condition that the version is still the one read (a ticket changed since
was written whole by its change, keys included). Not Model.update, which raises the version:
the version numbers the ticket's events. No consumer hears of it (the stream filter passes
inserted events only).
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from .codecs import decode_ticket, encode_ticket
from .keys import META, ticket_pk
from .models import TicketItem
from .table import is_condition_failure

# The attributes the ticket's indexes are keyed by (models.py, "GSI keys").
INDEX_KEYS = (
    "status_key",
    "owner_key",
    "requester_key",
    "escalation_key",
    "sort_at",
    "timer_key",
    "timer_at",
    "public_key",
)


def differences(item: TicketItem) -> list[Action]:
    """What to set or remove so that the stored item's keys are those a save writes now."""
    wanted = encode_ticket(decode_ticket(item))
    actions: list[Action] = []
    for name in INDEX_KEYS:
        value = getattr(wanted, name)
        if getattr(item, name) != value:
            attribute = getattr(TicketItem, name)
            actions.append(attribute.remove() if value is None else attribute.set(value))
    return actions


def renew(numbers: Iterable[int]) -> int:
    """Rewrite the index keys of these tickets where they differ; how many it rewrote."""
    keys = [(ticket_pk(n), META) for n in dict.fromkeys(numbers)]
    renewed = 0
    for item in TicketItem.batch_get(keys, consistent_read=True):
        actions = differences(item)
        if actions and _update(item, actions):
            renewed += 1
    return renewed


def _update(item: TicketItem, actions: list[Action]) -> bool:
    try:
        TicketItem._get_connection().update_item(
            item.pk, META, actions=actions, condition=TicketItem.version == item.version
        )
    except UpdateError as e:
        if is_condition_failure(e):
            return False  # changed meanwhile: its save wrote the keys of now
        raise
    return True
