"""A crafted mail cannot make reading it slow: its text is cut to READ_CHARS and READ_LINES
(its HTML to READ_HTML_CHARS) before quotes and signatures are looked for, and the ticket
says the rest was cut. (150,000 lines took 15 s of quotequail before.)"""

from __future__ import annotations

from email import message_from_bytes, policy

import quotequail

from services.application.mail_in import html_text, text
from services.application.mail_in.text import CUT, READ_HTML_CHARS, READ_LINES, bounded, mail_text

from .mail_builders import mail


def parsed(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def test_a_mail_of_150000_lines_is_read_within_the_bounds(monkeypatch):
    seen: list[int] = []
    real = quotequail.quote

    def counting(body: str, **kwargs):
        seen.append(body.count("\n") + 1)
        return real(body, **kwargs)

    monkeypatch.setattr(text.quotequail, "quote", counting)
    body = "\n".join(f"line {i} of a very long mail" for i in range(150_000))
    read = mail_text(parsed(mail(body)), keep_quotes=False)
    assert seen and max(seen) <= READ_LINES
    assert read.startswith("line 0 of a very long mail")
    assert read.endswith(CUT.strip())


def test_html_is_cut_before_it_is_converted(monkeypatch):
    sizes: list[int] = []
    real = html_text.html2text.HTML2Text.handle

    def measuring(self, data: str) -> str:
        sizes.append(len(data))
        return real(self, data)

    monkeypatch.setattr(html_text.html2text.HTML2Text, "handle", measuring)
    html = "<p>Hello</p>" + "<div>more words here</div>" * 100_000
    read = mail_text(parsed(mail(None, html=html)), keep_quotes=False)
    assert sizes and max(sizes) <= READ_HTML_CHARS
    assert read.startswith("Hello")


def test_an_ordinary_mail_is_not_cut():
    read = mail_text(parsed(mail("Thanks, that works.\n\n-- \nAna")), keep_quotes=False)
    assert read == "Thanks, that works."


def test_bounded_says_whether_it_cut():
    assert bounded("a\nb") == ("a\nb", False)
    many = "\n".join("x" * 3 for _ in range(READ_LINES + 5))
    read, cut = bounded(many)
    assert cut and read.count("\n") == READ_LINES - 1
