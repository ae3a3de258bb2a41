"""Mail in: one raw RFC 5322 message becomes one Inbound (or is ignored, with a reason).

Pure: stdlib `email` (policy.default) and quotequail, no I/O. `receive` records what
`read_mail` makes; applying it to tickets happens later, on the inbound queue.

- reading.py: what a mail asks of the queue (a reply to a ticket, a new ticket, nothing);
- headers.py: what its headers say (automatic mail and loops, the delivery id, the sender);
- text.py: its new words (quotes, signatures and footers cut, format=flowed joined);
- html_text.py: an HTML part as text.
"""

from __future__ import annotations

from .html_text import html_to_text
from .reading import Ignored, read_mail, receive
from .text import NO_SUBJECT, NO_TEXT, new_text

__all__ = ["NO_SUBJECT", "NO_TEXT", "Ignored", "html_to_text", "new_text", "read_mail", "receive"]
