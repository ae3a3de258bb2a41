"""Every header of a sent mail reads back as it was meant, in every script: the bytes a
transport sends are parsed again and compared. Encoded words stay within RFC 2047's 75
characters, lines within 78, and a display name with a comma or quotes stays one name."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.utils import getaddresses

import pytest

from infra.local.captured_mail import CapturedMail
from services.adapters.mail import address, to_mime
from services.domain.mail import Mail

TITLE = "Wiki-Spiegel für 日本語 users 🚀 — עברית test"
SUBJECTS = [
    f"[TechOps #12] Received: {TITLE}",
    "[TechOps #7] 中文标题：数据库复制延迟，需要尽快处理。请帮忙检查一下主从同步的状态和磁盘空间",
    "[TechOps #8] 🚀🔥💾🧯 " * 6,
    "[TechOps #9] בקשה לגישה לשרת מסד הנתונים — דחוף, תודה רבה",
    "[TechOps #10] A title that is long enough to fold more than once, in plain ASCII words, "
    "with no reason to be encoded at all, from the requester's form",
    "[TechOps #11] Literal =?utf-8?q?x?= in a title stays literal",
    # The issue's title after every prefix length from 0 to 79: each fold point is met.
    *(f"[TechOps #1234] Status: {'x' * n} {TITLE}" for n in range(80)),
]
_ENCODED_WORD = re.compile(r"=\?[^?]*\?[qQbB]\?[^?]*\?=")


def _sent(mail: Mail, sender: str = "RT Flow <rtflow@example.org>") -> bytes:
    return to_mime(mail, sender).as_bytes()


def _header_lines(raw: bytes) -> list[str]:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


def _unfolded(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


def _names(raw: bytes, header: str) -> list[tuple[str, str]]:
    """(display name, address) as RFC 2047 reads them: adjacent encoded words join without the
    space between them (the legacy reader follows the RFC here; the modern one adds a space)."""
    value = message_from_bytes(raw, policy=policy.compat32)[header]
    return [
        (str(make_header(decode_header(name))) if "=?" in name else name, addr)
        for name, addr in getaddresses([_unfolded(value)])
    ]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_subject_reads_back_as_it_was_written(subject):
    raw = _sent(Mail(to=("ana@example.org",), subject=subject, text="x"))
    expected = " ".join(subject.split())
    assert str(message_from_bytes(raw, policy=policy.default)["Subject"]) == expected
    legacy = message_from_bytes(raw, policy=policy.compat32)["Subject"]
    assert str(make_header(decode_header(_unfolded(legacy)))) == expected
    for line in _header_lines(raw):
        assert len(line) <= 78, line
        for word in _ENCODED_WORD.findall(line):
            assert len(word) <= 75, word


def test_the_issue_subject_has_no_broken_encoded_word():
    raw = _sent(Mail(to=("ana@example.org",), subject=SUBJECTS[0], text="x"))
    header = "\r\n".join(_header_lines(raw))
    assert "=?utf-8?q?=F0 " not in header
    for word in _ENCODED_WORD.findall(header):
        assert " " not in word


@pytest.mark.parametrize(
    "name",
    [
        "Park, Lee",
        'Lee "The DBA" Park',
        'Ops, Night "Shift" (on call)',
        "Équipe d'exploitation",
        "運用チーム 🚀",
        "צוות התפעול, לילה",
        'Wiki-Spiegel für 日本語 users 🚀 — עברית, "quoted" and long enough to fold twice',
    ],
)
def test_display_names_with_commas_quotes_and_any_script_stay_one_name(name):
    sender = str(Address(name, addr_spec="rtflow@example.org"))
    to = (str(Address(name, addr_spec="lee@example.org")), "ana@example.org")
    raw = _sent(Mail(to=to, subject="Hello", text="x"), sender)
    assert _names(raw, "From") == [(name, "rtflow@example.org")]
    assert _names(raw, "To") == [(name, "lee@example.org"), ("", "ana@example.org")]
    parsed = message_from_bytes(raw, policy=policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["lee@example.org", "ana@example.org"]
    assert all(len(line) <= 78 for line in _header_lines(raw))


def test_a_sender_that_is_not_one_address_is_refused_in_words():
    with pytest.raises(ValueError, match="is not one mail address"):
        address("Ops, Night <ops@example.org>")


def test_our_headers_and_the_body_survive_the_wire():
    mail = Mail(
        to=("ana@example.org",),
        subject=SUBJECTS[0],
        text=f"Hello Ana,\n{TITLE}\n",
        html=f"<p>{TITLE}</p>",
        headers={"Auto-Submitted": "auto-generated", "X-RTFlow-Ticket": "12"},
    )
    parsed = message_from_bytes(_sent(mail), policy=policy.default)
    assert parsed["X-RTFlow-Ticket"] == "12"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert ".rtflow-t12@example.org>" in parsed["Message-ID"]
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == mail.text
    assert TITLE in parsed.get_body(("html",)).get_content()


def test_captured_mail_shows_what_the_bytes_say(tmp_path):
    mailer = CapturedMail(tmp_path / "mail.jsonl", '"Ops, Night" <rtflow@example.org>')
    for subject in SUBJECTS:
        mailer.send(Mail(to=("ana@example.org",), subject=subject, text=f"{subject}\n"))
    shown = mailer.messages()
    assert [m["subject"] for m in shown] == [" ".join(s.split()) for s in SUBJECTS]
    assert shown[0]["from"] == '"Ops, Night" <rtflow@example.org>'
    assert shown[0]["text"] == f"{SUBJECTS[0]}\n"
