"""Who a new mail copies: its Cc become the ticket's CC (domain/watchers.py), as the form's
CC field does. To is whom the mail was for (the team); Bcc is never seen. The team's own
addresses (the gateway, the list, each member) and the sender are left out, as is anything
that is not a valid address; the first MAX_CC are kept."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses

from services.domain.flow import FlowConfig
from services.domain.watchers import usable

from .headers import header


def copied(msg: EmailMessage, sender: str, flow: FlowConfig) -> list[str]:
    team = {flow.team.mail_list, *(m.email for m in flow.team.members)}
    if flow.email is not None:
        team.add(str(flow.email.address))
    leave_out = {a.lower() for a in team} | {sender.lower()}
    return usable([a for _, a in getaddresses([header(msg, "Cc")])], leave_out=leave_out)
