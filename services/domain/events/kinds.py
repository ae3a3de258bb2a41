"""The event kinds: what can happen to a ticket, as stored in every event's `kind`."""

from __future__ import annotations

TICKET_FILED = "ticket.filed"
# Written by notify after the mails until the filing became its own acknowledgement; no
# longer written, still read in the histories that have it.
TICKET_ACKNOWLEDGED = "ticket.acknowledged"
HISTORICAL = frozenset({TICKET_ACKNOWLEDGED})
INFO_REQUESTED = "ticket.info-requested"
INFO_ADDED = "ticket.info-added"
TRIAGED = "ticket.triaged"
ASSIGNED = "ticket.assigned"
STARTED = "ticket.started"
UPDATED = "ticket.updated"
ESCALATED = "ticket.escalated"
ESCALATION_ACCEPTED = "ticket.escalation-accepted"
ESCALATION_DECLINED = "ticket.escalation-declined"
RETURNED_TO_TRIAGE = "ticket.returned-to-triage"
SPLIT = "ticket.split"
LINKED = "ticket.linked"
REJECTED = "ticket.rejected"
RESOLVED = "ticket.resolved"
REOPENED = "ticket.reopened"
CLOSED = "ticket.closed"
REPLIED = "ticket.replied"
POSTPONED = "ticket.postponed"
WOKEN = "ticket.woken"
NUDGED = "ticket.nudged"
SLA_WARNED = "sla.warned"
SLA_BREACHED = "sla.breached"
DROP_DEAD_NEAR = "ticket.drop-dead-near"
COMMENTED = "ticket.commented"
EDITED = "ticket.edited"  # a correction of what was asked: before and after of each field
WITHDRAWN = "ticket.withdrawn"
MAIL_REFUSED = "ticket.mail-refused"
CONFIRMED = "ticket.confirmed"
# Watchers and merging.
WATCHERS_CHANGED = "ticket.watchers-changed"
MERGED = "ticket.merged"
DUPLICATE_MERGED = "ticket.duplicate-merged"
# Attachments (domain/attachments.py).
ATTACHMENT_ADDED = "ticket.attachment-added"
# Tickets from tools (domain/tool_tickets.py).
RESOLVED_AT_SOURCE = "ticket.resolved-at-source"
