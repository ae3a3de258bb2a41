"""Mail in: a new mail becomes the draft of a new ticket, whatever its subject, charset,
parts, attachments or length; real MIME, built with EmailMessage."""

from __future__ import annotations

from email.message import EmailMessage

from services.application.mail_in import NO_SUBJECT, NO_TEXT
from services.domain.drafts import TEXT_MAX, TITLE_MAX
from services.domain.inbound import InboundAction
from tests.unit.mail_builders import assert_files_a_valid_draft, ignored, mail, read

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
        "The disk of db1001 is full.\n\n  - /srv at 100%\n  - /var at 97%\n\nPlease help\nAna"
    )
    assert_files_a_valid_draft(inbound, mail_flow)


def test_an_html_only_mail_keeps_its_link_targets(mail_flow):
    html = (
        '<p>Please reboot <a href="https://vpn2.example.org/status?host=1&amp;x=2">vpn2</a>,'
        ' see <a href="https://wiki.example.org/VPN">https://wiki.example.org/VPN</a>'
        ' or ask <a href="mailto:noc@example.org">the NOC</a>.</p>'
        "<p>1. it drops -- every 5 min + more</p>"
    )
    inbound = read(mail(text=None, html=html), mail_flow)
    assert inbound.draft["requirements"] == (
        "Please reboot [vpn2](https://vpn2.example.org/status?host=1&x=2), see"
        " <https://wiki.example.org/VPN> or ask [the NOC](mailto:noc@example.org).\n\n"
        "1. it drops -- every 5 min + more"
    )


def test_the_plain_part_is_preferred_to_the_html_one(mail_flow):
    inbound = read(mail("Plain words.", html="<p>HTML words.</p>"), mail_flow)
    assert inbound.draft["requirements"] == "Plain words."


def test_attachments_go_with_the_mail_and_its_text_stays_its_own(mail_flow):
    msg = EmailMessage()
    msg["From"] = "ana@example.org"
    msg["Subject"] = "Logs"
    msg["Message-ID"] = "<att@example.org>"
    msg.set_content("See the attached log.")
    msg.add_attachment(b"\x00\x01", maintype="application", subtype="gzip", filename="db.log.gz")
    inbound = read(msg.as_bytes(), mail_flow)
    assert inbound.draft["requirements"] == "See the attached log."
    [kept] = inbound.attachments  # tests/unit/test_mail_in_attachments.py: limits, refusals
    assert (kept.name, kept.size, kept.content_type) == ("db.log.gz", 2, "application/gzip")


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
