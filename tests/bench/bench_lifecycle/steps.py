"""The life-cycle the benchmark drives, the floor it is measured against (the mails the flow
requires, the events that are state changes), and the run's constants."""

from __future__ import annotations

from zoneinfo import ZoneInfo

# -- the life-cycle -----------------------------------------------------------------------------

STEPS = ("file", "triage", "assign", "update", "postpone", "wake", "resolve", "close")
# The mails the flow's rules require per step (docs/mail.md "Who hears what", notify):
# file: the requester's and the team list's acknowledgement; triage with no obvious owner: the
# triagers (mira); assign: the new owner; a public update, postponement and resolution: the
# requester; a public wake: the owner and the requester; close by the owner: nobody.
FLOOR_MAILS = {
    "file": 2,
    "triage": 1,
    "assign": 1,
    "update": 1,
    "postpone": 1,
    "wake": 2,
    "resolve": 1,
    "close": 0,
}
# Kinds of the events that are the life-cycle's state changes (one transaction each: the floor).
FLOOR_EVENT_KINDS = frozenset(
    {
        "ticket.filed",
        "ticket.triaged",
        "ticket.assigned",
        "ticket.updated",
        "ticket.postponed",
        "ticket.woken",
        "ticket.resolved",
        "ticket.closed",
    }
)
REGION = "us-east-1"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_MEMORY_MB = 512
WARMUP = "warm-up:"
MAX_PUMP_STEPS = 500  # per settle round; a life-cycle step takes a handful
