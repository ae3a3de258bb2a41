"""Mail in: robots, bounces, loops and our own mail are ignored, with the reason."""

from __future__ import annotations

import pytest

from services.domain.inbound import InboundAction
from tests.unit.mail_builders import ignored, mail, read

# --- robots, loops and our own mail are ignored -------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted"),
        ({"Auto_Submitted": "auto-generated (vacation)"}, "Auto-Submitted"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"Precedence": "junk"}, "Precedence: junk"),
        ({"Precedence": "list"}, "Precedence: list"),
        ({"Precedence": "auto_reply"}, "Precedence: auto_reply"),
        ({"X_Autoreply": "yes"}, "X-Autoreply"),
        ({"X_Autorespond": "Out of office"}, "X-Autorespond"),
        ({"X_Auto_Response_Suppress": "All"}, "X-Auto-Response-Suppress"),
        ({"X_Auto_Response_Suppress": "DR, OOF, AutoReply"}, "X-Auto-Response-Suppress"),
        ({"Return_Path": "<>"}, "bounce"),
        ({"X_Failed_Recipients": "gone@example.org"}, "bounce"),
        ({"X_RTFlow_Ticket": "42"}, "our own notification"),
    ],
)
def test_automatic_mail_is_ignored(mail_flow, headers, reason):
    assert reason in ignored(mail(subject="Out of office", **headers), mail_flow)


def test_auto_submitted_no_is_a_person(mail_flow):
    assert read(mail(Auto_Submitted="no"), mail_flow).action is InboundAction.OPEN


def test_an_out_of_office_reply_to_a_ticket_is_ignored(mail_flow):
    raw = mail(
        "I am away until Monday.",
        subject="Automatic reply: [TechOps #42] Received: replica",
        Auto_Submitted="auto-replied",
        In_Reply_To="<1732.55.rtflow-t42@example.org>",
    )
    assert "Auto-Submitted" in ignored(raw, mail_flow)


DSN = (
    b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
    b"To: rtflow@example.org\r\n"
    b"Subject: Undelivered Mail Returned to Sender\r\n"
    b"Message-ID: <dsn1@mx.example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
    b"\r\n"
    b"--b1\r\nContent-Type: text/plain\r\n\r\nI could not deliver it.\r\n"
    b"--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
    b"Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; gone@example.org\r\n"
    b"Action: failed\r\nStatus: 5.1.1\r\n"
    b"--b1--\r\n"
)


def test_a_delivery_status_notification_is_ignored(mail_flow):
    assert "multipart/report" in ignored(DSN, mail_flow)


def test_mail_from_the_mailer_daemon_is_ignored(mail_flow):
    raw = mail("Your mail could not be delivered", sender="MAILER-DAEMON@mx.example.org")
    assert "MAILER-DAEMON" in ignored(raw, mail_flow)


def test_a_message_id_of_ours_coming_back_is_ignored(mail_flow):
    raw = mail(message_id="<1732.1234.rtflow-t42@example.org>")
    assert ignored(raw, mail_flow) == "our own notification came back"


def test_mail_from_the_gateway_itself_is_ignored(mail_flow):
    assert "gateway" in ignored(mail(sender="RT Flow <ops@example.org>"), mail_flow)


@pytest.mark.parametrize(
    "sender", ["", "undisclosed-recipients:;", "Ana Souza", "ana@", "<@>", "@example.org", "a b@c"]
)
def test_mail_without_a_usable_from_is_ignored(mail_flow, sender):
    raw = f"From: {sender}\r\nMessage-ID: <n1@example.org>\r\nSubject: hi\r\n\r\ntext\r\n"
    assert ignored(raw.encode(), mail_flow) == "no usable From address"


def test_mail_without_a_from_header_is_ignored(mail_flow):
    assert ignored(mail(sender=""), mail_flow) == "no usable From address"


def test_a_non_ascii_sender_address_is_ignored(mail_flow):
    raw = (
        "From: José <josé@example.org>\r\nMessage-ID: <u1@example.org>\r\nSubject: hola\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nhola\r\n"
    ).encode()
    assert "ASCII" in ignored(raw, mail_flow)


def test_a_sender_the_schema_refuses_is_ignored_with_the_reason(mail_flow):
    reason = ignored(mail(sender="ana@host.invalid"), mail_flow)
    assert "email" in reason
