"""Files on the SQLite home (`rtflow run` with RTFLOW_BACKEND=sqlite), over HTTP and SMTP: a
file on the filing form and one through the API with the status token, listed for staff
with their links and on the status page, downloaded as attachments; a mail's file kept; the
bytes in the data directory under their SHA-256, still served after a restart."""

from __future__ import annotations

import hashlib
import re
import smtplib
from email.message import EmailMessage
from urllib.parse import urljoin

import pytest
import requests

from .support import eventually, unique
from .test_form_filing import form_data
from .test_sqlite_home import mails, staff_tokens, start_home


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("files-home")


@pytest.fixture(scope="module")
def home(data_dir):
    running = start_home(data_dir)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def bearer(home) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_tokens(home)['mira']}"}


def staff_files(base: str, number: int, bearer) -> list[dict]:
    r = requests.get(f"{base}/api/v1/tickets/{number}", headers=bearer, timeout=10)
    r.raise_for_status()
    return r.json()["attachments"]


def test_a_file_on_the_form_and_one_through_the_api_are_listed_and_downloaded(
    home, bearer, data_dir
):
    base, uid = home.base_url, unique()
    log = f"log of {uid}\n".encode() * 100
    r = requests.post(
        f"{base}/tickets/new",
        data=form_data(uid),
        files={"file": ("db.log", log, "text/plain")},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 303, r.text[:2000]
    location = urljoin(f"{base}/", r.headers["Location"])
    number, token = re.fullmatch(r".*/tickets/(\d+)/filed\?token=([\w-]+)", location).groups()

    shot = bytes(range(256)) * 64
    r = requests.post(
        f"{base}/api/v1/tickets/{number}/attachments",
        params={"token": token},
        files={"file": ("Screen shot ü.png", shot, "image/png")},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    assert [f["name"] for f in r.json()["attachments"]] == ["Screen shot ü.png"]

    listed = staff_files(base, int(number), bearer)
    assert [(f["name"], f["size"], f["public"]) for f in listed] == [
        ("db.log", len(log), True),
        ("Screen shot ü.png", len(shot), True),
    ]
    got = requests.get(listed[1]["url"], headers=bearer, timeout=10)
    assert got.content == shot
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["Content-Disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''Screen%20shot%20%C3%BC.png" in got.headers["Content-Disposition"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Cache-Control"] == "private, no-store"

    page = requests.get(f"{base}/tickets/{number}", params={"token": token}, timeout=10).text
    link = re.search(r'href="([^"]+)">db\.log</a>', page).group(1).replace("&amp;", "&")
    assert requests.get(link, timeout=10).content == log
    assert requests.get(link.split("?")[0], timeout=10).status_code == 404  # no token, no file

    digest = hashlib.sha256(log).hexdigest()
    assert (data_dir / "attachments" / digest[:2] / digest).read_bytes() == log


def test_a_mails_file_is_kept_on_the_ticket_it_files(home, bearer):
    base, uid = home.base_url, unique()
    port = requests.get(f"{base}/dev/stack.json", timeout=10).json()["smtp_port"]
    msg = EmailMessage()
    msg["From"] = f"mail-{uid}@example.com"
    msg["To"] = "tickets@example.org"
    msg["Subject"] = f"Files {uid}: the printer"
    msg["Message-ID"] = f"<{uid}@example.com>"
    msg.set_content("The printer's error log is attached.")
    msg.add_attachment(b"E42 paper jam\n", maintype="text", subtype="plain", filename="printer.log")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(msg)

    def filed() -> int | None:
        to_sender = [m for m in mails(base) if m["to"] == [msg["From"]]]
        found = [re.search(r"#(\d+)\]", m["subject"]) for m in to_sender]
        return next((int(f[1]) for f in found if f), None)

    number = eventually(filed, timeout=20, what="the mail filed and acknowledged")
    [kept] = staff_files(base, number, bearer)
    assert kept["name"] == "printer.log"
    assert requests.get(kept["url"], headers=bearer, timeout=10).content == b"E42 paper jam\n"


def test_the_files_outlive_a_restart(home, bearer, data_dir):
    base = home.base_url
    r = requests.post(
        f"{base}/api/v1/tickets",
        json={
            "type": "general",
            "title": "Keep this file",
            "requirements": "A file that outlives a restart.",
            "end_state": "It is still there.",
            "acceptance_criteria": ["It downloads"],
            "requester": {"name": "Lee", "email": "lee@example.org"},
        },
        timeout=10,
    )
    number = r.json()["id"]
    requests.post(
        f"{base}/api/v1/tickets/{number}/attachments",
        headers=bearer,
        files={"file": ("keep.txt", b"kept", "text/plain")},
        data={"public": "false"},
        timeout=10,
    ).raise_for_status()
    home.stop()
    again = start_home(data_dir)
    try:
        [kept] = staff_files(again.base_url, number, bearer)
        assert kept["public"] is False
        url = kept["url"].replace(base, again.base_url)
        assert requests.get(url, headers=bearer, timeout=10).content == b"kept"
    finally:
        again.stop()
