"""DKIM on mail in by SMTP (RTFLOW_SMTP_IN_DKIM): a mail whose From domain signed it is from
that domain, as SES's DMARC PASS says on AWS, so mail in may trust its From
(services/application/inbound.py). A signature counts when it verifies (dkimpy, the key from
DNS) and its domain (d=) is the From address's domain or a parent of it (relaxed alignment).
Any failure (no signature, a bad one, DNS unreachable, an unreadable mail) is simply no proof."""

from __future__ import annotations

import logging
from collections.abc import Callable
from email import message_from_bytes, policy
from typing import Any

import dkim

log = logging.getLogger(__name__)

SIGNATURES_MAX = 5  # a crafted mail with hundreds of signatures costs no more than this


def _from_domain(raw: bytes) -> str:
    msg = message_from_bytes(raw, policy=policy.default)
    addresses: tuple[Any, ...] = getattr(msg["From"], "addresses", ())
    return addresses[0].domain.lower().rstrip(".") if len(addresses) == 1 else ""


def _aligned(signer: str, domain: str) -> bool:
    return domain == signer or domain.endswith("." + signer)


def dkim_vouches(raw: bytes, dnsfunc: Callable[..., bytes | None] | None = None) -> bool:
    """True when a DKIM signature of the From domain verifies. `dnsfunc(name)` answers the
    TXT lookup (default: DNS), so tests run offline."""
    try:
        domain = _from_domain(raw)
        if not domain:
            return False
        checker = dkim.DKIM(raw)
        signatures = sum(1 for name, _ in checker.headers if name.lower() == b"dkim-signature")
        for idx in range(min(signatures, SIGNATURES_MAX)):
            verified = checker.verify(idx, dnsfunc) if dnsfunc else checker.verify(idx)
            signer = (checker.domain or b"").decode("ascii", "replace").lower()
            if verified and _aligned(signer, domain):
                return True
    except Exception as e:  # dkimpy raises many kinds; none is the sender's proof
        log.info("mail in: DKIM not verified (%s)", type(e).__name__)
    return False
