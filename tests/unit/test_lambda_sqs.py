"""Lambda's SQS edge: a batch is answered with the messages that failed; a batch whose every
message failed is retried whole, unless the handler answers it like any other; the receive
count and the message's fields read as Lambda sends them."""

from __future__ import annotations

import pytest

from services.lambda_sqs import BatchFailed, SqsRecord, batch_handler, receive_count


def record(n: int, body: str = "ok", receives: str = "1") -> dict:
    return {
        "messageId": f"m{n}",
        "receiptHandle": f"rh{n}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": receives},
        "eventSource": "aws:sqs",
    }


def failing_on(bad: str):
    seen: list[str] = []

    def handle(r: SqsRecord) -> None:
        seen.append(r.message_id)
        if r.body == bad:
            raise ValueError(f"cannot handle {r.body}")

    return handle, seen


def test_only_the_failed_messages_come_back():
    handle, seen = failing_on("bad")
    event = {"Records": [record(0), record(1, "bad"), record(2)]}
    assert batch_handler(handle)(event, None) == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert seen == ["m0", "m1", "m2"]  # one failure stops nothing


def test_a_batch_that_all_failed_is_retried_whole():
    handle, _ = failing_on("bad")
    with pytest.raises(BatchFailed, match="all 2 messages failed") as raised:
        batch_handler(handle)({"Records": [record(0, "bad"), record(1, "bad")]}, None)
    assert isinstance(raised.value.__cause__, ValueError)


def test_or_answered_like_any_other_when_each_failure_sets_its_own_delay():
    handle, _ = failing_on("bad")
    answer = batch_handler(handle, all_failed_is_partial=True)(
        {"Records": [record(0, "bad"), record(1, "bad")]}, None
    )
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m1"}]}


def test_an_empty_batch_is_answered_empty():
    handle, seen = failing_on("bad")
    assert batch_handler(handle)({"Records": []}, None) == {"batchItemFailures": []}
    assert seen == []


def test_a_record_reads_as_lambda_sends_it():
    r = SqsRecord(record(3, body='{"a": 1}', receives="4"))
    assert (r.body, r.message_id, r.receipt_handle, receive_count(r)) == (
        '{"a": 1}',
        "m3",
        "rh3",
        4,
    )
    assert receive_count(SqsRecord({"attributes": {}})) == 1
    assert receive_count(SqsRecord({"attributes": {"ApproximateReceiveCount": "x"}})) == 1
