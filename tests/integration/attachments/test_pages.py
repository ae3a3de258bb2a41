"""Files on the pages, on both homes: the filing form (multipart, no JavaScript), the status
page (its token authorises the list, the links and the upload form), the console's ticket
page (every file, the upload form with who sees it) and /me (the signed-in requester)."""

from __future__ import annotations

import io
import re

from tests.integration.attachments.conftest import MAX_BYTES, filed, upload
from tests.integration.console_helpers import csrf_from, sign_in
from tests.integration.self_service.self_service_helpers import sign_in as requester_sign_in


def form(**extra) -> dict:
    return {
        "type": "general",
        "title": "Grant the analytics team a read replica",
        "requirements": "A MySQL read replica of the wiki database.",
        "end_state": "Analysts query the replica.",
        "acceptance_criteria": "The replica lags less than 60 s",
        "requester_name": "Ana Souza",
        "requester_email": "ana@example.org",
        **extra,
    }


def test_the_filing_form_takes_files_without_javascript(client, bearer):
    page = client.get("/tickets/new").text
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<input id="file" name="file" type="file" multiple', page)
    response = client.post(
        "/tickets/new",
        data=form(file=[(io.BytesIO(b"a log"), "db.log"), (io.BytesIO(b"PNG"), "shot.png")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.text
    number = int(re.search(r"/tickets/(\d+)/filed", response.headers["Location"]).group(1))
    files = client.get(f"/api/v1/tickets/{number}", headers=bearer).get_json()["attachments"]
    assert [(f["name"], f["size"], f["added_by"]) for f in files] == [
        ("db.log", 5, "requester:ana@example.org"),
        ("shot.png", 3, "requester:ana@example.org"),
    ]


def test_the_form_says_which_file_is_too_big_next_to_it_and_keeps_what_was_typed(client):
    response = client.post(
        "/tickets/new",
        data=form(title="", file=[(io.BytesIO(b"x" * (MAX_BYTES + 1)), "big.iso")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    page = response.text
    assert 'id="file-error"' in page and "big.iso is 1001 bytes" in page
    assert 'id="title-error"' in page  # every problem at once
    assert "A MySQL read replica of the wiki database." in page
    assert "choose them again" in page


def test_the_form_without_files_files_as_before(client):
    response = client.post("/tickets/new", data=form())
    assert response.status_code == 303


def test_the_status_page_lists_the_public_files_and_takes_more(client, bearer):
    number, token = filed(client)
    upload(client, number, ("plan.txt", b"p"), headers=bearer)
    upload(client, number, ("ours.txt", b"o"), headers=bearer, public="false")
    page = client.get(f"/tickets/{number}?token={token}").text
    assert "plan.txt" in page and "ours.txt" not in page
    link = re.search(
        r'href="http://rt\.example\.org(/api/v1/tickets/\d+/attachments/\w+\?token=[\w-]+)"', page
    )
    assert client.get(link.group(1)).data == b"p"

    added = client.post(
        f"/tickets/{number}/attachments?token={token}",
        data={"file": (io.BytesIO(b"mine"), "mine.txt")},
        content_type="multipart/form-data",
    )
    assert added.status_code == 303
    assert "mine.txt" in client.get(added.headers["Location"]).text
    refused = client.post(
        f"/tickets/{number}/attachments?token={token}",
        data={"file": (io.BytesIO(b""), "empty.txt")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert 'id="file-error"' in refused.text and "empty.txt is empty" in refused.text
    wrong = client.post(
        f"/tickets/{number}/attachments?token=nope",
        data={"file": (io.BytesIO(b"x"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 404


def test_the_console_lists_every_file_and_adds_files_for_the_team_only(client, staff_token):
    number, token = filed(client)
    upload(client, number, ("from-ana.txt", b"a"), token=token)
    sign_in(client, staff_token)
    page = client.get(f"/staff/tickets/{number}").text
    assert 'id="attachments"' in page and "from-ana.txt" in page and "by the requester" in page
    response = client.post(
        f"/staff/tickets/{number}/attachments",
        data={
            "csrf_token": csrf_from(page),
            "public": "false",
            "file": (io.BytesIO(b"trace"), "trace.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Attached: trace.txt" in page and "the team only" in page
    link = re.search(rf'href="(/staff/tickets/{number}/attachments/\w+)">trace.txt<', page).group(1)
    download = client.get(link)
    assert download.data == b"trace" and download.headers["Cache-Control"] == "private, no-store"
    theirs = client.get(f"/api/v1/tickets/{number}?token={token}").get_json()["attachments"]
    assert [f["name"] for f in theirs] == ["from-ana.txt"]


def test_a_refused_console_upload_comes_back_with_the_reason_by_the_field(client, staff_token):
    number, _ = filed(client)
    sign_in(client, staff_token)
    page = client.get(f"/staff/tickets/{number}").text
    response = client.post(
        f"/staff/tickets/{number}/attachments",
        data={"csrf_token": csrf_from(page), "file": (io.BytesIO(b"x" * 2000), "big.bin")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert 'id="attach-file-error"' in response.text and "big.bin is 2 KB" in response.text


def test_the_console_files_need_the_console_session(client):
    number, token = filed(client)
    [added] = upload(client, number, ("a.txt", b"a"), token=token).get_json()["attachments"]
    response = client.get(f"/staff/tickets/{number}/attachments/{added['id']}")
    assert response.status_code == 303 and "/staff/login" in response.headers["Location"]


def test_a_signed_in_requester_sees_and_adds_files_on_their_own_tickets_only(client, container):
    number, token = filed(client)
    bobs, bob_token = filed(client, requester={"name": "Bob", "email": "bob@example.org"})
    [mine] = upload(client, number, ("mine.txt", b"m"), token=token).get_json()["attachments"]
    [his] = upload(client, bobs, ("his.txt", b"h"), token=bob_token).get_json()["attachments"]
    requester_sign_in(client, container)
    page = client.get(f"/me/tickets/{number}").text
    link = re.search(rf'href="(/me/tickets/{number}/attachments/\w+)">mine.txt<', page).group(1)
    assert client.get(link).data == b"m"
    assert client.get(f"/me/tickets/{bobs}/attachments/{his['id']}").status_code == 404
    added = client.post(
        f"/me/tickets/{number}/attachments",
        data={"csrf_token": csrf_from(page), "file": (io.BytesIO(b"more"), "more.txt")},
        content_type="multipart/form-data",
    )
    assert added.status_code == 303
    assert "more.txt" in client.get(f"/me/tickets/{number}").text
    no_csrf = client.post(
        f"/me/tickets/{number}/attachments",
        data={"file": (io.BytesIO(b"x"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert no_csrf.status_code == 400
