"""An HTML mail as plain text: blocks become lines, quotes and signatures are left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _HtmlText(HTMLParser):
    """HTML mail as plain text: blocks become lines, quotes and signatures are left out."""

    # Blocks start on a line of their own; paragraphs also have a blank line around them.
    _BLOCK = frozenset(
        [
            "address",
            "article",
            "aside",
            "center",
            "dd",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figure",
            "footer",
            "form",
            "header",
            "li",
            "main",
            "nav",
            "section",
            "tr",
        ]
    )
    _PARAGRAPH = frozenset(
        ["blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre", "table", "ul"]
    )
    _VOID = frozenset(
        [
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        ]
    )
    _HIDDEN = frozenset({"head", "script", "style", "title", "template"})
    _QUOTE_CLASSES = frozenset(
        {"gmail_quote", "gmail_attr", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote"}
    )
    _SIGNATURE_CLASSES = frozenset({"gmail_signature", "moz-signature"})
    # Outlook: everything after these is the message answered.
    _STOP_IDS = frozenset({"divRplyFwdMsg", "appendonsend", "mail-editor-reference-message"})

    def __init__(self, keep_quotes: bool):
        super().__init__(convert_charrefs=True)
        self.keep_quotes = keep_quotes
        self.lines: list[str] = [""]  # the last one is being written
        self.pre_lines: set[int] = set()  # lines whose spaces are the author's
        self._skipping: tuple[str, int] | None = None  # (tag, depth) of a left-out element
        self._pre = 0
        self._stopped = False

    def _newline(self) -> None:
        self.lines.append("")

    def _break(self) -> None:
        if self.lines[-1].strip():
            self._newline()

    def _paragraph(self) -> None:
        self._break()
        if len(self.lines) > 1 and self.lines[-2].strip():
            self._newline()

    def _leave_out(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in self._HIDDEN:
            return True
        classes = set((attrs.get("class") or "").split())
        if classes & self._SIGNATURE_CLASSES:
            return True
        if self.keep_quotes:
            return False
        return tag == "blockquote" or bool(classes & self._QUOTE_CLASSES)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._stopped:
            return
        if self._skipping is not None:
            self._nest(tag, *self._skipping)
            return
        attributes = dict(attrs)
        if not self.keep_quotes and attributes.get("id") in self._STOP_IDS:
            self._stopped = True
            return
        if self._leave_out(tag, attributes):
            if tag not in self._VOID:
                self._skipping = (tag, 1)
            return
        self._open(tag)

    def _nest(self, tag: str, name: str, depth: int) -> None:
        """Inside a left-out element: count the elements of its name opened within it."""
        if tag == name and tag not in self._VOID:
            self._skipping = (name, depth + 1)

    def _open(self, tag: str) -> None:
        if tag == "br":
            self._newline()
        elif tag in self._PARAGRAPH:
            self._paragraph()
        elif tag in self._BLOCK:
            self._break()
        if tag == "li":
            self.lines[-1] += "- "
        elif tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if self._stopped:
            return
        if self._skipping is not None:
            name, depth = self._skipping
            if tag == name:
                self._skipping = None if depth == 1 else (name, depth - 1)
            return
        if tag in self._PARAGRAPH:
            self._paragraph()
        elif tag in self._BLOCK:
            self._break()
        elif tag in ("td", "th"):
            self.lines[-1] += " "
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._stopped or self._skipping is not None:
            return
        if not self._pre:
            self.lines[-1] += re.sub(r"\s+", " ", data)
            return
        first, *rest = data.replace("\r\n", "\n").split("\n")
        self.lines[-1] += first
        self.pre_lines.add(len(self.lines) - 1)
        for line in rest:
            self.lines.append(line)
            self.pre_lines.add(len(self.lines) - 1)

    def text(self) -> str:
        lines = [
            line.replace("\xa0", " ").rstrip() if i in self.pre_lines else line.strip()
            for i, line in enumerate(self.lines)
        ]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def html_to_text(html: str, *, keep_quotes: bool = False) -> str:
    """The text of an HTML mail, one block to a line; quoted parts left out unless asked."""
    parser = _HtmlText(keep_quotes)
    parser.feed(html)
    parser.close()
    return parser.text()
