"""The relay turns event items from the table's stream into queue messages and tells Lambda
where to resume when the queue refuses them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.adapters import bootstrap
from services.adapters.dynamo import encode_event, ticket_pk
from services.adapters.dynamo.models import InboxItem
from services.adapters.settings import Settings
from services.domain.events import Event
from services.domain.flow import FlowConfig
from services.domain.inbound import Inbound
from services.relay import handler as relay_handler
from tests.fakes import FakePublisher


def stream_record(image: dict, seq: str, name: str = "INSERT") -> dict:
    return {
        "eventID": seq,
        "eventName": name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": {k: image[k] for k in ("pk", "sk")},
            "NewImage": image,
            "SequenceNumber": seq,
            "StreamViewType": "NEW_IMAGE",
        },
    }


def event_image(n: int, kind: str = "ticket.filed") -> tuple[Event, dict]:
    event = Event(
        ticket=n,
        kind=kind,
        at=datetime(2026, 11, 27, 10, n, tzinfo=UTC),
        actor="requester:a@example.org",
        public=True,
        data={"source": "web", "n": n},
    )
    return event, encode_event(event, seq=1).serialize()


class RecordingIndex:
    """The search's term index: which tickets it was told of, or a failure."""

    def __init__(self) -> None:
        self.told: list[list[int]] = []
        self.fail = False

    def reindex(self, numbers) -> int:
        if self.fail:
            raise RuntimeError("throttled")
        self.told.append(list(numbers))
        return len(self.told[-1])


@pytest.fixture
def triage():
    return FakePublisher()


@pytest.fixture
def index():
    return RecordingIndex()


@pytest.fixture
def publisher(monkeypatch, triage, index):
    fake = FakePublisher()
    container = bootstrap.build(
        Settings(secret_key="k" * 40), publisher=fake, triage_publisher=triage, search=index
    )
    monkeypatch.setattr(bootstrap, "container", lambda: container)
    return fake


def test_event_items_become_messages_and_other_items_pass_by(publisher, triage):
    e1, img1 = event_image(1)
    e2, img2 = event_image(2, "ticket.acknowledged")
    ticket_image = {"pk": {"S": ticket_pk(1)}, "sk": {"S": "META"}, "status": {"S": "new"}}
    records = [
        stream_record(img1, "100"),
        stream_record(ticket_image, "101"),
        stream_record(img2, "102"),
        stream_record(img1, "103", name="MODIFY"),
    ]
    assert relay_handler.handler({"Records": records}, None) == {"batchItemFailures": []}
    assert publisher.published == [e1.to_message(), e2.to_message()]
    assert Event.from_message(publisher.published[0]) == e1
    # triage hears only of filings (and added information), not of acknowledgements
    assert triage.published == [e1.to_message()]


def test_the_search_index_hears_of_the_tickets_of_new_events_first(publisher, index):
    _, filed = event_image(1)
    _, acknowledged = event_image(1, "ticket.acknowledged")
    _, other = event_image(2)
    _, inbox = inbox_image("d-0")
    records = [stream_record(i, str(700 + n)) for n, i in enumerate([filed, acknowledged, other])]
    assert relay_handler.handler({"Records": records}, None) == {"batchItemFailures": []}
    assert index.told == [[1, 1, 2]]
    index.fail = True
    again = [stream_record(other, "710"), stream_record(inbox, "711")]
    assert relay_handler.handler({"Records": again}, None) == {
        "batchItemFailures": [{"itemIdentifier": "710"}]
    }
    assert len(publisher.published) == 3  # nothing of the failed batch was queued


def test_a_refused_publish_reports_the_first_unpublished_record(publisher):
    publisher.fail = True
    records = [stream_record(event_image(n)[1], str(200 + n)) for n in range(1, 13)]
    assert relay_handler.handler({"Records": records}, None) == {
        "batchItemFailures": [{"itemIdentifier": "201"}]
    }


def test_a_second_chunk_failure_keeps_the_first_chunk_published(publisher, monkeypatch):
    calls = []

    def publish(messages):
        calls.append(len(messages))
        if len(calls) == 2:
            raise RuntimeError("throttled")
        publisher.published.extend(messages)

    monkeypatch.setattr(publisher, "publish", publish)
    records = [stream_record(event_image(n)[1], str(300 + n)) for n in range(1, 13)]
    assert relay_handler.handler({"Records": records}, None) == {
        "batchItemFailures": [{"itemIdentifier": "311"}]
    }
    assert calls == [10, 2]
    assert len(publisher.published) == 10


def test_an_unreadable_event_item_is_reported_after_what_came_before_is_published(publisher):
    good, image = event_image(1)
    broken = {"pk": {"S": ticket_pk(2)}, "sk": {"S": "EVENT#0000000001"}}
    records = [
        stream_record(image, "401"),
        stream_record(broken, "402"),
        stream_record(event_image(3)[1], "403"),
    ]
    assert relay_handler.handler({"Records": records}, None) == {
        "batchItemFailures": [{"itemIdentifier": "402"}]
    }
    assert publisher.published == [good.to_message()]


def inbox_image(delivery: str) -> tuple[Inbound, dict]:
    message = Inbound(
        source="github",
        delivery=delivery,
        action="comment",
        thread="github:octo/repo#1",
        author="octocat",
        message="Any news?",
    )
    item = InboxItem(
        f"INBOX#{message.key}",
        "META",
        message=message.model_dump_json(),
        received_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        expires_at=1,
    )
    return message, item.serialize()


def with_subscription(flow):
    data = flow.model_dump(mode="json")
    data["subscriptions"] = [{"name": "tools", "url": "https://tools.example.org/hook"}]
    return FlowConfig.model_validate(data)


@pytest.mark.parametrize("subscribed", [True, False])
def test_inbox_items_go_to_the_inbound_queue_and_events_to_webhooks_out(
    monkeypatch, flow, subscribed
):
    notify, triage, inbound, webhooks = (FakePublisher() for _ in range(4))
    container = bootstrap.build(
        Settings(secret_key="k" * 40),
        flow=with_subscription(flow) if subscribed else flow,
        publisher=notify,
        triage_publisher=triage,
        inbound_publisher=inbound,
        webhooks_publisher=webhooks,
        search=RecordingIndex(),
    )
    monkeypatch.setattr(bootstrap, "container", lambda: container)
    message, image = inbox_image("d-1")
    event, event_img = event_image(5, "ticket.updated")
    records = [stream_record(image, "500"), stream_record(event_img, "501")]
    assert relay_handler.handler({"Records": records}, None) == {"batchItemFailures": []}
    assert [Inbound.model_validate(m) for m in inbound.published] == [message]
    assert notify.published == [event.to_message()]
    # One message per event and subscription; without subscriptions nothing is queued for
    # webhooks out (no requests, no invocations).
    per_subscription = [event.to_message() | {"subscription": "tools"}]
    assert webhooks.published == (per_subscription if subscribed else [])
    assert triage.published == []  # an update is not triage's business


def test_an_inbox_item_without_an_inbound_queue_is_not_dropped_silently(publisher):
    _, image = inbox_image("d-2")
    assert relay_handler.handler({"Records": [stream_record(image, "600")]}, None) == {
        "batchItemFailures": [{"itemIdentifier": "600"}]
    }
