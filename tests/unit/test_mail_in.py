"""Mail in: a raw message becomes one Inbound (a new ticket's draft, or a reply to a ticket),
or is ignored with a reason. Real MIME: built with EmailMessage, or raw as clients send it."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

import pytest

from services.application.mail_in import (
    NO_SUBJECT,
    NO_TEXT,
    Ignored,
    html_to_text,
    new_text,
    read_mail,
    receive,
)
from services.domain.drafts import TEXT_MAX, TITLE_MAX, validate_draft
from services.domain.inbound import Inbound, InboundAction
from services.domain.integrations import EmailIntake
from tests.fakes import FakeInbox

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def mail_flow(flow):
    """The example flow with the mail gateway configured."""
    email = EmailIntake(address="ops@example.org", ticket_type="general", private=True)
    return flow.model_copy(update={"email": email})


def mail(
    text: str | None = "The disk of db1001 is full.",
    *,
    subject: str = "Disk full on db1001",
    sender: str = "Ana Souza <ana@example.org>",
    message_id: str | None = "<CAF1234@mail.example.org>",
    html: str | None = None,
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "ops@example.org"
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    return msg.as_bytes()


def read(raw: bytes, flow) -> Inbound:
    result = read_mail(raw, flow)
    assert isinstance(result, Inbound), result
    return result


def ignored(raw: bytes, flow) -> str:
    result = read_mail(raw, flow)
    assert isinstance(result, Ignored), result
    return result.reason


def assert_files_a_valid_draft(inbound: Inbound, flow) -> None:
    assert inbound.action is InboundAction.OPEN
    validate_draft(inbound.draft, flow=flow, today=TODAY, require_complete=False)


# --- a new mail files a ticket ----------------------------------------------------------------


def test_a_new_mail_becomes_a_draft_of_the_gateways_ticket_type(mail_flow):
    inbound = read(mail(), mail_flow)

    assert inbound.source == "email"
    assert inbound.delivery == "CAF1234@mail.example.org"
    assert inbound.action is InboundAction.OPEN
    assert inbound.ticket is None
    assert inbound.author == "Ana Souza"
    assert inbound.author_email == "ana@example.org"
    assert inbound.draft == {
        "type": "general",
        "title": "Disk full on db1001",
        "requirements": "The disk of db1001 is full.",
        "requester": {"name": "Ana Souza", "email": "ana@example.org"},
        "private": True,
    }
    assert_files_a_valid_draft(inbound, mail_flow)


def test_the_requester_is_the_local_part_when_the_mail_has_no_display_name(mail_flow):
    inbound = read(mail(sender="Lee.Park@Example.ORG"), mail_flow)
    assert inbound.draft["requester"] == {"name": "Lee.Park", "email": "lee.park@example.org"}
    assert inbound.author_email == "lee.park@example.org"


def test_a_long_subject_is_shortened_to_a_valid_title(mail_flow):
    inbound = read(mail(subject="Replica " * 60), mail_flow)
    title = inbound.draft["title"]
    assert len(title) == TITLE_MAX
    assert title.startswith("Replica Replica") and title.endswith("…")
    assert_files_a_valid_draft(inbound, mail_flow)


def test_a_blank_subject_and_an_empty_body_still_file_a_valid_draft(mail_flow):
    inbound = read(mail(text="\n\n", subject="   "), mail_flow)
    assert inbound.draft["title"] == NO_SUBJECT
    assert inbound.draft["requirements"] == NO_TEXT
    assert_files_a_valid_draft(inbound, mail_flow)


def test_control_characters_and_reply_prefixes_leave_the_title(mail_flow):
    raw = (
        b"From: ana@example.org\r\nMessage-ID: <x1@example.org>\r\n"
        b"Subject: =?utf-8?q?Fwd=3A_disk=07_full=1B_on_db1001?=\r\n\r\nIt is full.\r\n"
    )
    inbound = read(raw, mail_flow)
    assert inbound.draft["title"] == "disk full on db1001"
    assert_files_a_valid_draft(inbound, mail_flow)


def test_non_ascii_names_and_subjects_are_kept(mail_flow):
    raw = mail(
        "Bitte prüfen: Das Volume ist voll.",
        sender='"Zoë Ñandú-Müller" <zoe@example.org>',
        subject="Speicher voll — 東京 db1001",
    )
    inbound = read(raw, mail_flow)
    assert inbound.draft["requester"] == {"name": "Zoë Ñandú-Müller", "email": "zoe@example.org"}
    assert inbound.draft["title"] == "Speicher voll — 東京 db1001"
    assert inbound.draft["requirements"] == "Bitte prüfen: Das Volume ist voll."
    assert_files_a_valid_draft(inbound, mail_flow)


def test_an_encoded_display_name_with_a_control_character_is_cleaned(mail_flow):
    raw = (
        b"From: =?utf-8?b?TWlyYQdPa2Fmb3I=?= <mira@example.org>\r\n"
        b"Message-ID: <x2@example.org>\r\nSubject: hi\r\n\r\ntext\r\n"
    )
    inbound = read(raw, mail_flow)
    assert inbound.draft["requester"]["name"] == "Mira Okafor"
    assert_files_a_valid_draft(inbound, mail_flow)


def test_a_very_long_mail_is_cut_to_the_schema_limit(mail_flow):
    inbound = read(mail("x" * 50 + "\n" + "Lorem ipsum dolor. " * 2000), mail_flow)
    requirements = inbound.draft["requirements"]
    assert len(requirements) <= TEXT_MAX
    assert requirements.endswith("[… the rest of the mail was cut]")
    assert_files_a_valid_draft(inbound, mail_flow)


def test_an_html_only_mail_becomes_text(mail_flow):
    html = (
        "<html><head><style>p {color: red}</style><title>t</title></head><body>"
        "<p>The disk of <b>db1001</b> is&nbsp;full.</p>"
        "<ul><li>/srv at 100%</li><li>/var at 97%</li></ul>"
        "<div>Please&nbsp;help<br>Ana</div><script>alert(1)</script></body></html>"
    )
    inbound = read(mail(text=None, html=html), mail_flow)
    assert inbound.draft["requirements"] == (
        "The disk of db1001 is full.\n\n- /srv at 100%\n- /var at 97%\n\nPlease help\nAna"
    )
    assert_files_a_valid_draft(inbound, mail_flow)


def test_the_plain_part_is_preferred_to_the_html_one(mail_flow):
    inbound = read(mail("Plain words.", html="<p>HTML words.</p>"), mail_flow)
    assert inbound.draft["requirements"] == "Plain words."


def test_attachments_are_named_but_not_kept(mail_flow):
    msg = EmailMessage()
    msg["From"] = "ana@example.org"
    msg["Subject"] = "Logs"
    msg["Message-ID"] = "<att@example.org>"
    msg.set_content("See the attached log.")
    msg.add_attachment(b"\x00\x01", maintype="application", subtype="gzip", filename="db.log.gz")
    inbound = read(msg.as_bytes(), mail_flow)
    assert inbound.draft["requirements"] == (
        "See the attached log.\n\n[Attachments not kept: db.log.gz]"
    )


def test_an_unknown_charset_does_not_stop_the_mail(mail_flow):
    raw = (
        b"From: ana@example.org\r\nMessage-ID: <cs@example.org>\r\nSubject: odd\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nDisk full\r\n"
    )
    inbound = read(raw, mail_flow)
    assert inbound.draft["requirements"] == "Disk full"


def test_a_forwarded_mail_keeps_what_was_forwarded(mail_flow):
    text = (
        "Can you look at this?\n\n"
        "---------- Forwarded message ---------\n"
        "From: Nagios <nagios@example.org>\n"
        "Date: Fri, Nov 27, 2026 at 9:00 AM\n"
        "Subject: PROBLEM db1001 disk\n\n"
        "/srv is at 100%\n"
    )
    inbound = read(mail(text, subject="Fwd: PROBLEM db1001 disk"), mail_flow)
    assert inbound.draft["title"] == "PROBLEM db1001 disk"
    assert "/srv is at 100%" in inbound.draft["requirements"]
    assert inbound.draft["requirements"].startswith("Can you look at this?")


def test_without_the_gateway_configured_a_new_mail_is_ignored(flow):
    without = flow.model_copy(update={"email": None})
    assert ignored(mail(), without) == "mail intake is not configured"


# --- replies land on their ticket ---------------------------------------------------------------


def test_a_reply_by_subject_tag_comments_on_that_ticket(mail_flow):
    raw = mail(
        "Yes, the replica can wait until Monday.",
        subject="Re: [TechOps #42] Received: Grant the analytics team a read replica",
        sender="Ana Souza <Ana@Example.org>",
    )
    inbound = read(raw, mail_flow)
    assert inbound.action is InboundAction.COMMENT
    assert inbound.ticket == 42
    assert inbound.draft is None
    assert inbound.author == "Ana Souza"
    assert inbound.author_email == "ana@example.org"
    assert inbound.message == "Yes, the replica can wait until Monday."


def test_another_teams_tag_is_not_a_reply(mail_flow):
    inbound = read(mail(subject="Re: [DBA #42] replica"), mail_flow)
    assert inbound.action is InboundAction.OPEN


def test_a_reply_by_references_comments_on_that_ticket(mail_flow):
    raw = mail(
        "Done on my side.",
        subject="Re: your replica",
        References="<first@mail.example.org> <1732700000.1234.rtflow-t7@example.org>",
    )
    inbound = read(raw, mail_flow)
    assert (inbound.action, inbound.ticket) == (InboundAction.COMMENT, 7)


def test_in_reply_to_names_the_ticket_too(mail_flow):
    raw = mail("ok", subject="Re: replica", In_Reply_To="<1732.55.rtflow-t12@example.org>")
    assert read(raw, mail_flow).ticket == 12


def test_references_win_over_a_subject_tag_that_disagrees(mail_flow):
    raw = mail(
        "ok",
        subject="Re: [TechOps #3] something else",
        In_Reply_To="<1732.55.rtflow-t12@example.org>",
        References="<1732.50.rtflow-t11@example.org> <1732.55.rtflow-t12@example.org>",
    )
    assert read(raw, mail_flow).ticket == 12


def test_the_most_recent_reference_names_the_ticket(mail_flow):
    raw = mail(
        "ok",
        subject="Re: replica",
        References="<1732.50.rtflow-t11@example.org> <other@example.org> "
        "<1732.55.rtflow-t12@example.org>",
    )
    assert read(raw, mail_flow).ticket == 12


def test_replies_work_without_the_gateway_configured(flow):
    inbound = read(mail("ok", subject="Re: [TechOps #5] Received: x"), flow)
    assert (inbound.action, inbound.ticket) == (InboundAction.COMMENT, 5)


def test_a_reply_with_nothing_new_says_so(mail_flow):
    raw = mail("> quoted only\n", subject="Re: [TechOps #5] Received: x")
    assert read(raw, mail_flow).message == NO_TEXT


# --- quoted text, attributions and signatures are cut -------------------------------------------

GMAIL_TEXT = """\
Thanks, that works for me.

Ana

On Fri, Nov 27, 2026 at 10:02 AM RT Flow <rtflow@example.org>
wrote:

> Hello Ana,
>
> your ticket #42 is filed.
>
"""

GMAIL_HTML = """\
<div dir="ltr">Thanks, that works for me.<div><br></div><div>Ana</div></div><br>\
<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Fri, Nov 27, \
2026 at 10:02 AM RT Flow &lt;<a href="mailto:rtflow@example.org">rtflow@example.org</a>&gt; \
wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;\
border-left:1px solid rgb(204,204,204);padding-left:1ex">Hello Ana,<br><br>your ticket #42 \
is filed.</blockquote></div>
"""

OUTLOOK_TEXT = """\
Thanks, that works for me.

Regards,
Ana

________________________________
From: RT Flow <rtflow@example.org>
Sent: Friday, November 27, 2026 10:02 AM
To: Ana Souza <ana@example.org>
Subject: [TechOps #42] Received: replica

Hello Ana,
your ticket #42 is filed.
"""

OUTLOOK_PLAIN_HEADER_ONLY = """\
Thanks, that works for me.

From: RT Flow <rtflow@example.org>
Sent: Friday, November 27, 2026 10:02 AM
To: Ana Souza <ana@example.org>
Subject: [TechOps #42] Received: replica

Hello Ana,
"""

OUTLOOK_OLD_TEXT = """\
Thanks, that works for me.

-----Original Message-----
From: RT Flow [mailto:rtflow@example.org]
Sent: Friday, November 27, 2026 10:02 AM
Subject: [TechOps #42] Received: replica

Hello Ana,
"""

OUTLOOK_HTML = """\
<html><body><div class="elementToProof">Thanks, that works for me.</div>
<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">\
<b>From:</b> RT Flow &lt;rtflow@example.org&gt;<br><b>Sent:</b> Friday, November 27, 2026 \
10:02 AM<br><b>Subject:</b> [TechOps #42] Received: replica</font><div>&nbsp;</div></div>
<div>Hello Ana, your ticket #42 is filed.</div></body></html>
"""

APPLE_TEXT = """\
Thanks, that works for me.

Sent from my iPhone

> On 27 Nov 2026, at 10:02, RT Flow <rtflow@example.org> wrote:
>
> Hello Ana,
> your ticket #42 is filed.
"""

APPLE_HTML = """\
<html><body dir="auto"><div>Thanks, that works for me.</div><div><br><blockquote type="cite">\
On 27 Nov 2026, at 10:02, RT Flow &lt;rtflow@example.org&gt; wrote:<br><br></blockquote></div>\
<blockquote type="cite"><div>Hello Ana, your ticket #42 is filed.</div></blockquote></body></html>
"""

THUNDERBIRD_FLOWED = (
    b"From: Ana Souza <ana@example.org>\r\n"
    b"Subject: Re: [TechOps #42] Received: replica\r\n"
    b"Message-ID: <tb1@example.org>\r\n"
    b"Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
    b"\r\n"
    b"Thanks, that works for me. The replica can wait until the storage \r\n"
    b"order is in.\r\n"
    b"\r\n"
    b"On 27/11/2026 10:02, RT Flow wrote:\r\n"
    b"> Hello Ana,\r\n"
    b"> your ticket #42 is filed.\r\n"
    b"\r\n"
    b"-- \r\n"
    b"Ana Souza, Analytics\r\n"
)


@pytest.mark.parametrize(
    ("text", "html"),
    [
        pytest.param(GMAIL_TEXT, GMAIL_HTML, id="gmail"),
        pytest.param(OUTLOOK_TEXT, OUTLOOK_HTML, id="outlook"),
        pytest.param(APPLE_TEXT, APPLE_HTML, id="apple-mail"),
    ],
)
def test_the_answered_mail_is_cut_from_a_reply(mail_flow, text, html):
    raw = mail(text, html=html, subject="Re: [TechOps #42] Received: replica")
    message = read(raw, mail_flow).message
    assert message.startswith("Thanks, that works for me.")
    assert "your ticket #42 is filed" not in message
    assert "wrote:" not in message
    assert "Sent from my iPhone" not in message


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(GMAIL_HTML, id="gmail"),
        pytest.param(OUTLOOK_HTML, id="outlook"),
        pytest.param(APPLE_HTML, id="apple-mail"),
    ],
)
def test_the_answered_mail_is_cut_from_an_html_only_reply(mail_flow, html):
    raw = mail(text=None, html=html, subject="Re: [TechOps #42] Received: replica")
    message = read(raw, mail_flow).message
    assert message.startswith("Thanks, that works for me.")
    assert "your ticket #42 is filed" not in message
    assert "wrote:" not in message
    assert "From:" not in message


@pytest.mark.parametrize("text", [OUTLOOK_PLAIN_HEADER_ONLY, OUTLOOK_OLD_TEXT])
def test_outlook_header_blocks_end_the_new_text(text):
    assert new_text(text) == "Thanks, that works for me."


def test_a_flowed_reply_is_unwrapped_and_its_signature_cut(mail_flow):
    inbound = read(THUNDERBIRD_FLOWED, mail_flow)
    assert inbound.ticket == 42
    assert inbound.message == (
        "Thanks, that works for me. The replica can wait until the storage order is in."
    )


def test_an_answer_below_the_quote_is_kept():
    text = (
        "On Fri, Nov 27, 2026 at 10:02 AM RT Flow <rtflow@example.org> wrote:\n"
        "> Which host?\n"
        "\n"
        "db1001.\n"
        "> And when?\n"
        "Monday.\n"
    )
    assert new_text(text) == "db1001.\nMonday."


def test_the_signature_after_the_delimiter_is_cut():
    assert new_text("Please reboot db1001.\n-- \nAna Souza\n+1 555 0100\n") == (
        "Please reboot db1001."
    )


def test_a_double_dash_inside_text_is_not_a_signature():
    assert new_text("Use --force -- carefully.\nThanks") == "Use --force -- carefully.\nThanks"


def test_html_to_text_leaves_out_signatures_and_keeps_preformatted_text():
    html = (
        "<p>Output:</p><pre>  $ df -h\n  /srv  100%</pre>"
        '<div class="gmail_signature">Ana<br>Analytics</div>'
    )
    assert html_to_text(html) == "Output:\n\n  $ df -h\n  /srv  100%"


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
