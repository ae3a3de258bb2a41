"""The Inbox's contract, the same cases on the fake, on DynamoDB and on SQLite: a delivery is
recorded once and settled once; a tool's thread leads to the ticket filed for it."""

from __future__ import annotations

from services.domain.inbound import Inbound

from .builders import event, ticket


def comment(tag: str, name: str = "d1") -> Inbound:
    return Inbound(
        source="github", delivery=f"{tag}-{name}", action="comment", thread=f"github:{tag}#1"
    )


def test_a_delivery_is_recorded_once(inbox, tag):
    assert inbox.record(comment(tag))
    assert not inbox.record(comment(tag))  # redelivered
    assert inbox.record(comment(tag, "d2"))


def test_a_recorded_delivery_is_settled_once(inbox, tag):
    inbox.record(comment(tag))
    assert inbox.settle(comment(tag), "ignored: nothing to do")
    assert not inbox.settle(comment(tag), "ignored again")


def test_a_delivery_never_recorded_cannot_be_settled(inbox, tag):
    assert not inbox.settle(comment(tag, "unknown"), "ignored")


def test_an_outcome_of_any_length_is_accepted(inbox, tag):
    inbox.record(comment(tag))
    assert inbox.settle(comment(tag), "refused: " + "x" * 2000)


def test_a_thread_leads_to_the_ticket_filed_for_it(tickets, inbox, tag):
    message = Inbound(
        source="github",
        delivery=f"{tag}-open",
        action="open",
        thread=f"github:{tag}#2",
        draft={"title": "x"},
    )
    assert inbox.linked(message.thread) is None
    inbox.record(message)
    t = ticket(tickets)
    tickets.add(t, event(t, "ticket.filed"), receipt=message, thread=message.thread)
    assert inbox.linked(message.thread) == t.number
    assert inbox.linked(f"github:{tag}#3") is None


def test_a_body_signed_alone_is_a_duplicate_within_its_window_under_any_delivery_id(
    inbox, tag, clock
):
    def copy(name: str) -> Inbound:
        body = {"replay_key": f"github:{tag}-digest", "replay_seconds": 300}
        return comment(tag, name).model_copy(update=body)

    assert inbox.record(copy("d1"))
    assert not inbox.record(copy("d2"))  # the same body under a fresh delivery id
    clock.advance(seconds=299)
    assert not inbox.record(copy("d3"))
    clock.advance(seconds=2)
    assert inbox.record(copy("d4"))  # past the window: a delivery of its own
    assert not inbox.record(copy("d4"))  # and its own id is remembered as ever
