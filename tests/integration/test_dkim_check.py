"""DKIM on SMTP mail in: an aligned signature that verifies proves the From; anything else
is no proof. The key is answered by a TXT function, so nothing asks DNS."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.adapters.dkim_check import dkim_vouches

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE = KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.TraditionalOpenSSL,
    serialization.NoEncryption(),
)
PUBLIC = base64.b64encode(
    KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
)


def txt(name: bytes, timeout: int = 5) -> bytes | None:
    if name == b"sel._domainkey.example.org.":
        return b"v=DKIM1; k=rsa; p=" + PUBLIC
    return None


def signed(sender: str, domain: bytes = b"example.org", text: str = "Here it is.") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "ops@example.org", "Re: [TechOps #1] x"
    msg["Message-ID"] = "<dkim-1@example.org>"
    msg.set_content(text)
    raw = msg.as_bytes()
    return dkim.sign(raw, b"sel", domain, PRIVATE, include_headers=[b"from", b"subject"]) + raw


def test_an_aligned_signature_that_verifies_proves_the_sender():
    assert dkim_vouches(signed("Ana <ana@example.org>"), txt)
    assert dkim_vouches(signed("ana@mail.example.org"), txt)  # a subdomain of the signer


@pytest.mark.parametrize(
    "raw",
    [
        signed("mira@example.net"),  # signed by example.org, From another domain
        signed("ana@example.org").replace(b"Here it is.", b"Send the password"),  # altered
        signed("ana@example.org", domain=b"other.example"),  # no key for that signer
        b"From: ana@example.org\r\nSubject: unsigned\r\n\r\nx\r\n",
        b"\x00 not a mail at all",
    ],
)
def test_anything_else_is_no_proof(raw):
    assert not dkim_vouches(raw, txt)
