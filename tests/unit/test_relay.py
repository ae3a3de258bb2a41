"""The relay turns event items from the table's stream into queue messages and tells Lambda
where to resume when the queue refuses them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.adapters import bootstrap
from services.adapters.dynamo import TableModels, event_to_item, ticket_pk
from services.adapters.settings import Settings
from services.domain.events import Event
from services.relay import handler as relay_handler
from tests.fakes import FakePublisher

MODELS = TableModels("t", "us-east-1")


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
    return event, event_to_item(MODELS, event, seq=1).serialize()


@pytest.fixture
def triage():
    return FakePublisher()


@pytest.fixture
def publisher(monkeypatch, triage):
    fake = FakePublisher()
    container = bootstrap.build(
        Settings(secret_key="k" * 40), publisher=fake, triage_publisher=triage
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
