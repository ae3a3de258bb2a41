"""A mail's new words: the text part (or the HTML part as text), format=flowed joined, quoted
replies, the attribution line, the signature and phone footers cut; a title from the subject.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, MIMEPart
from email.utils import collapse_rfc2231_value

import quotequail

from services.domain.drafts import TEXT_MAX, TITLE_MAX

from .headers import clean_line
from .html_text import html_to_text

NO_SUBJECT = "(no subject)"
NO_TEXT = "(the mail had no text)"
CUT = "\n[… the rest of the mail was cut]"
# What of a mail's text is read at all: a ticket keeps at most TEXT_MAX characters of it, and
# finding quotes and signatures costs time with every line (150,000 lines took 15 s), so a
# crafted mail is cut to these bounds before anything parses it.
READ_CHARS = 2 * TEXT_MAX
READ_LINES = 2_000
READ_HTML_CHARS = 100_000

_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|fwd?|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+",
    re.IGNORECASE,
)
_FORWARD_PREFIX = re.compile(r"^\s*(?:re\s*:\s*)*(?:fwd?|wg|tr)\s*:", re.IGNORECASE)
# Outlook's plain-text reply header: "From: ...", then "Sent:"/"Date:" within a few lines.
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|Von|De|Van)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(
    r"^\s*\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Verzonden)\s*:\*?\s", re.IGNORECASE
)
_PHONE_FOOTER = re.compile(
    r"^\s*(Sent from my \w[\w ]*|Get Outlook for \w+|Sent from (Mail|Outlook) for \w+)\W*$",
    re.IGNORECASE,
)


def forwarded(subject: str) -> bool:
    """A forwarded mail ("Fwd:", "FW:" ...) keeps everything: what was forwarded is the point."""
    return bool(_FORWARD_PREFIX.match(subject))


def title(subject: str) -> str:
    title = clean_line(_REPLY_PREFIX.sub("", clean_line(subject))) or clean_line(subject)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    return title or NO_SUBJECT


def bounded(text: str) -> tuple[str, bool]:
    """The start of `text` within READ_CHARS and READ_LINES; whether anything was cut."""
    read = "\n".join(text[:READ_CHARS].split("\n", READ_LINES)[:READ_LINES])
    return read, len(read) < len(text)


def mail_text(msg: EmailMessage, *, keep_quotes: bool, note: str = "") -> str:
    """What the mail says, within TEXT_MAX, with `note` (the files not kept, and why)."""
    text, cut = bounded(_body(msg, keep_quotes=keep_quotes))
    if not keep_quotes:
        text = new_text(text)
    text = _TEXT_CONTROL.sub("", text).strip()
    budget = TEXT_MAX - (len(note) + 2 if note else 0)
    if len(text) > budget or cut:
        text = text[: budget - len(CUT)].rstrip() + CUT
    text = "\n\n".join(part for part in (text, note) if part)
    return text or NO_TEXT


def _body(msg: EmailMessage, *, keep_quotes: bool) -> str:
    plain = msg.get_body(preferencelist=("plain",))
    if plain is not None:
        text = _unflow(_content(plain), plain)
        if text.strip():
            return text
    html = msg.get_body(preferencelist=("html",))
    if html is not None:
        return html_to_text(_content(html)[:READ_HTML_CHARS], keep_quotes=keep_quotes)
    return ""


def _content(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    return str(content).replace("\r\n", "\n").replace("\r", "\n")


def _param(part: MIMEPart, name: str) -> str:
    return collapse_rfc2231_value(part.get_param(name, "")).lower()


def _unflow(text: str, part: MIMEPart) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    if _param(part, "format") != "flowed":
        return text
    delsp = _param(part, "delsp") == "yes"
    out: list[str] = []
    joining = False
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if joining and out and not line.startswith(">"):
            out[-1] += line
        else:
            out.append(line)
        joining = line.endswith(" ") and line != "-- " and not line.startswith(">")
        if joining and delsp:
            out[-1] = out[-1][:-1]
    return "\n".join(out)


def new_text(text: str) -> str:
    """The author's new words: quoted replies, the attribution line, the signature and phone
    footers cut (quotequail finds the attribution and forward/Outlook markers)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = text.split("\n")
    limit = len(lines) + 1  # quotequail quotes everything past `limit` lines otherwise
    top = quotequail.quote(text, limit=limit, quote_intro_line=True)[0][1]
    if not _drop_quoted_lines(top).strip():
        # Nothing above the quote: an inline or bottom-posted answer. Keep what follows the
        # attribution, less the quoted lines.
        pieces = quotequail.quote(text, limit=limit, quote_intro_line=False)
        top = pieces[1][1] if len(pieces) > 1 else text
    kept = _drop_quoted_lines(top).split("\n")
    kept = _cut_outlook_header(kept)
    kept = _cut_signature(kept)
    while kept and (not kept[-1].strip() or _PHONE_FOOTER.match(kept[-1])):
        kept.pop()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in kept)).strip()


def _drop_quoted_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))


def _cut_outlook_header(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_SENT.match(n) for n in lines[i + 1 : i + 4]):
            return lines[:i]
    return lines


def _cut_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if line in ("-- ", "--"):
            return lines[:i]
    return lines
