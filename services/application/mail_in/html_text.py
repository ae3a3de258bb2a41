"""An HTML mail as plain text (html2text): links keep their targets, quoted mail and
signatures are left out."""

from __future__ import annotations

import re

import html2text

_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]
)
_HIDDEN = frozenset({"head", "script", "style", "title", "template"})
_QUOTE_CLASSES = frozenset(
    {"gmail_quote", "gmail_attr", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote"}
)
_SIGNATURE_CLASSES = frozenset({"gmail_signature", "moz-signature"})
# Outlook: everything after these is the message answered.
_STOP_IDS = frozenset({"divRplyFwdMsg", "appendonsend", "mail-editor-reference-message"})


class _LeaveOut:
    """html2text's tag callback: silences the quoted mail and the signature, element and all.

    html2text prints nothing while its `quiet` count is above zero; an element left out raises
    it on its start tag and lowers it on its matching end tag (elements of the same name inside
    it are counted, so a nested <div> does not end a left-out <div>)."""

    def __init__(self, keep_quotes: bool) -> None:
        self.keep_quotes = keep_quotes
        self.skipping: tuple[str, int] | None = None  # (tag, depth) of the left-out element
        self.stopped = False

    def __call__(
        self, parser: html2text.HTML2Text, tag: str, attrs: dict[str, str | None], start: bool
    ) -> bool:
        if self.stopped:
            return True
        if self.skipping is not None:
            self._nest(parser, tag, start, *self.skipping)
            return True
        if not start:
            return False
        if not self.keep_quotes and attrs.get("id") in _STOP_IDS:
            self.stopped = True
            parser.quiet += 1
            return True
        if self._left_out(tag, attrs):
            if tag not in _VOID:
                self.skipping = (tag, 1)
                parser.quiet += 1
            return True
        return False

    def _nest(
        self, parser: html2text.HTML2Text, tag: str, start: bool, name: str, depth: int
    ) -> None:
        if tag != name or tag in _VOID:
            return
        depth += 1 if start else -1
        self.skipping = (name, depth) if depth else None
        if not depth:
            parser.quiet -= 1

    def _left_out(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in _HIDDEN:
            return True
        classes = set((attrs.get("class") or "").split())
        if classes & _SIGNATURE_CLASSES:
            return True
        if self.keep_quotes:
            return False
        return tag == "blockquote" or bool(classes & _QUOTE_CLASSES)


class _PlainText(html2text.HTML2Text):
    """html2text for people reading text, not Markdown: no emphasis marks, no backslashes
    before the dots, dashes and pluses the author wrote; links as [words](target)."""

    def __init__(self, keep_quotes: bool) -> None:
        super().__init__(bodywidth=0)
        self.ignore_emphasis = True
        self.unicode_snob = True
        self.images_to_alt = True
        self.ul_item_mark = "-"
        # html2text annotates the hook as None only, though it calls whatever is set there.
        self.tag_callback = _LeaveOut(keep_quotes)  # type: ignore[assignment]

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        # entity_char=True is html2text's way of writing text as it is, without escapes.
        super().handle_data(data, True)


def html_to_text(html: str, *, keep_quotes: bool = False) -> str:
    """The text of an HTML mail, links with their targets; quoted parts left out unless asked."""
    text = _PlainText(keep_quotes).handle(html).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
