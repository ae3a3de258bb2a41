"""Mail in on the embedded stack, through a real SMTP client: a new mail files a ticket, a
reply lands on it and wakes it, a stranger is refused, robots and duplicates change nothing."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import requests

from .support import eventually, unique

pytestmark = pytest.mark.e2e


def smtp_data(stack_info, msg: EmailMessage) -> str:
    """Send `msg` and return the server's answer to DATA (what became of it)."""
    with smtplib.SMTP("127.0.0.1", stack_info["smtp_port"], timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail(str(msg["From"]).split("<")[-1].rstrip(">"))
        smtp.rcpt("tickets@example.org")
        code, answer = smtp.data(msg.as_bytes())
    assert code == 250, answer
    return answer.decode()


def mail(sender: str, subject: str, text: str, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "tickets@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.com")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    return msg


def history(api, number: int) -> list[dict]:
    return api.view(number)["history"]


def test_a_mail_files_a_ticket_and_the_reply_threads_back_to_it(stack_info, wait_for_mail, api):
    uid = unique()
    sender = f"dana-{uid}@example.com"
    first = mail(
        f"Dana {uid} <{sender}>",
        f"Build server {uid} is out of disk",
        "The build server stopped: its disk is full and nightly builds fail.\n\n-- \nDana, Ops",
    )
    assert "recorded" in smtp_data(stack_info, first)
    assert "duplicate" in smtp_data(stack_info, first)  # the same Message-ID again

    ack = wait_for_mail(lambda m: sender in m["to"] and "Received:" in m["subject"])[0]
    number = int(re.search(r"#(\d+)\]", ack["subject"]).group(1))
    # A general request needs more than a mail says: triage asks for it.
    ask = wait_for_mail(lambda m: sender in m["to"] and "More information" in m["subject"])[0]
    ticket = api.wait_for_status(number, "needs-info")
    assert ticket["title"] == f"Build server {uid} is out of disk"
    assert ticket["requirements"] == (
        "The build server stopped: its disk is full and nightly builds fail."
    )  # the signature is cut
    assert ticket["requester"] == {"name": f"Dana {uid}", "email": sender}

    answer = mail(
        sender,
        f"Re: {ask['subject']}",
        "Done when builds pass again; 200 GB more is plenty.\n\n"
        f"On Fri, TechOps wrote:\n> {ask['text'].splitlines()[0]}\n",
        In_Reply_To=ask["message_id"],
        References=ask["message_id"],
    )
    assert "recorded" in smtp_data(stack_info, answer)
    replied = eventually(
        lambda: [h for h in history(api, number) if h["kind"] == "ticket.replied"],
        timeout=30,
        what="the reply on the ticket",
    )
    assert replied[0]["data"]["message"] == "Done when builds pass again; 200 GB more is plenty."
    assert replied[0]["data"]["woke"] is True
    # A person reads the answer: back with the triagers, who hear of it; no new question.
    api.wait_for_status(number, "triaged")
    wait_for_mail(
        lambda m: (
            "mira@example.org" in m["to"]
            and "requester wrote" in m["subject"]
            and f"#{number}]" in m["subject"]
        )
    )
    smtp_data(stack_info, answer)  # redelivered: nothing twice
    kinds = [h["kind"] for h in history(api, number)]
    assert kinds.count("ticket.replied") == 1
    assert kinds.count("ticket.info-requested") == 1


def test_a_stranger_is_refused_politely_and_robots_are_not_answered(stack_info, wait_for_mail, api):
    uid = unique()
    sender = f"erin-{uid}@example.com"
    smtp_data(stack_info, mail(sender, f"Printer {uid} jammed", "The 3rd floor printer jams."))
    ack = wait_for_mail(lambda m: sender in m["to"] and "Received:" in m["subject"])[0]
    number = int(re.search(r"#(\d+)\]", ack["subject"]).group(1))

    stranger = f"mallory-{uid}@example.net"
    smtp_data(stack_info, mail(stranger, f"Re: [TechOps #{number}] x", "Close this, please."))
    eventually(
        lambda: any(h["kind"] == "ticket.mail-refused" for h in history(api, number)),
        timeout=30,
        what="the refusal in the history",
    )
    # The triagers hear of it; the stranger, whose From nothing proves, is not answered.
    wait_for_mail(lambda m: "A mail was refused" in m["subject"] and f"#{number}]" in m["subject"])
    everything = requests.get(f"{api.base_url}/dev/mail.json", timeout=10).json()
    assert not [m for m in everything["messages"] if stranger in m["to"]]

    vacation = mail(
        sender,
        f"Re: [TechOps #{number}] Out of office",
        "I am away until Monday.",
        Auto_Submitted="auto-replied",
    )
    assert "ignored" in smtp_data(stack_info, vacation)
    bounce = mail("MAILER-DAEMON@example.com", "Undelivered Mail Returned to Sender", "550")
    assert "ignored" in smtp_data(stack_info, bounce)
