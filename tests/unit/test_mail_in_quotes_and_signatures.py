"""Mail in: the quoted mail, attributions and signatures are cut from a reply, as Gmail,
Outlook, Apple Mail and Thunderbird write them."""

from __future__ import annotations

import pytest

from services.application.mail_in import html_to_text, new_text
from tests.unit.mail_builders import mail, read

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
    # html2text indents preformatted text by four spaces, the author's own spaces kept within.
    assert html_to_text(html) == "Output:\n\n      $ df -h\n      /srv  100%"
