"""Mail in: each mail's delivery id, and receive (read, then record once; never raises on bad
mail)."""

from __future__ import annotations

import pytest

from services.application.mail_in import receive
from tests.fakes import FakeInbox
from tests.unit.mail_builders import mail, read

# --- delivery ids -------------------------------------------------------------------------------


def test_the_delivery_is_the_message_id_without_angle_brackets(mail_flow):
    inbound = read(mail(message_id="  <abc.123@mail.example.org>  "), mail_flow)
    assert inbound.delivery == "abc.123@mail.example.org"
    assert inbound.key == "email#abc.123@mail.example.org"


def test_without_a_message_id_the_delivery_is_the_digest_of_the_bytes(mail_flow):
    raw = mail(message_id=None)
    first, again = read(raw, mail_flow), read(raw, mail_flow)
    assert first.delivery.startswith("sha256:")
    assert first.delivery == again.delivery
    assert read(mail("other text", message_id=None), mail_flow).delivery != first.delivery


def test_the_same_message_id_is_the_same_delivery_whatever_the_route(mail_flow):
    one = mail(Received="from a.example.org by mx1")
    two = mail(Received="from b.example.org by mx2")
    assert one != two
    assert read(one, mail_flow).key == read(two, mail_flow).key


# --- receive: read, then record once -----------------------------------------------------------


def test_receive_records_a_mail_once(mail_flow):
    inbox = FakeInbox()
    assert receive(mail(), mail_flow, inbox) == "recorded"
    assert receive(mail(), mail_flow, inbox) == "duplicate"
    [recorded] = inbox.recorded.values()
    assert recorded.draft["title"] == "Disk full on db1001"


def test_receive_tells_why_a_mail_is_ignored(mail_flow):
    inbox = FakeInbox()
    assert receive(mail(Precedence="bulk"), mail_flow, inbox) == (
        "ignored: automatic mail (Precedence: bulk)"
    )
    assert inbox.recorded == {}


@pytest.mark.parametrize(
    "raw",
    [b"", b"\x00\xff\xfe garbage", b"From: \r\n\r\n", b"Content-Type: multipart/mixed\r\n\r\n"],
)
def test_receive_never_raises_on_bad_mail(mail_flow, raw):
    assert receive(raw, mail_flow, FakeInbox()).startswith("ignored: ")


def test_receive_raises_when_the_inbox_fails(mail_flow):
    class BrokenInbox(FakeInbox):
        def record(self, message):
            raise RuntimeError("table unavailable")

    with pytest.raises(RuntimeError):
        receive(mail(), mail_flow, BrokenInbox())
