"""POST /api/v1/tickets/<n>/attachments and the downloads, on both homes: the requester with
the status token, staff with the bearer token; files served as attachments, never rendered
or cached; a file nobody may see, anywhere, answers 404 as no file would."""

from __future__ import annotations

import io

from tests.integration.attachments.conftest import MAX_BYTES, PER_TICKET, filed, path_of, upload


def test_the_requester_attaches_with_the_status_token_and_downloads_it(client):
    number, token = filed(client)
    response = upload(client, number, ("db.log", b"disk full at 09:00"), token=token)
    assert response.status_code == 201, response.get_json()
    [added] = response.get_json()["attachments"]
    assert (added["name"], added["size"]) == ("db.log", 18)
    assert added["url"].endswith(
        f"/api/v1/tickets/{number}/attachments/{added['id']}?token={token}"
    )

    download = client.get(path_of(added["url"]))
    assert download.status_code == 200
    assert download.data == b"disk full at 09:00"
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=db.log; filename*=UTF-8''db.log"
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Length"] == "18"


def test_a_declared_type_is_shown_but_never_served_and_the_name_is_made_safe(client, bearer):
    number, _ = filed(client)
    response = client.post(
        f"/api/v1/tickets/{number}/attachments",
        data={
            "file": [
                (
                    io.BytesIO(b"<script>alert(1)</script>"),
                    "../../x/Übersicht: q?.html",
                    "text/html",
                )
            ]
        },
        headers=bearer,
        content_type="multipart/form-data",
    )
    [added] = response.get_json()["attachments"]
    assert (added["name"], added["content_type"]) == ("Übersicht q.html", "text/html")
    download = client.get(path_of(added["url"]), headers=bearer)
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Ubersicht q.html\"; filename*=UTF-8''%C3%9Cbersicht%20q.html"
    )
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_staff_choose_who_sees_their_files_and_the_requester_never_sees_the_teams(client, bearer):
    number, token = filed(client)
    shared = upload(client, number, ("plan.txt", b"the plan"), headers=bearer)
    internal = upload(client, number, ("creds.txt", b"secret"), headers=bearer, public="false")
    assert shared.status_code == internal.status_code == 201
    internal_id = internal.get_json()["attachments"][0]["id"]

    staff = client.get(f"/api/v1/tickets/{number}", headers=bearer).get_json()["attachments"]
    assert [(f["name"], f["public"], f["added_by"]) for f in staff] == [
        ("plan.txt", True, "staff:mira"),
        ("creds.txt", False, "staff:mira"),
    ]
    assert (
        staff[1]["url"]
        == f"http://rt.example.org/api/v1/tickets/{number}/attachments/{internal_id}"
    )
    assert client.get(path_of(staff[1]["url"]), headers=bearer).data == b"secret"

    theirs = client.get(f"/api/v1/tickets/{number}?token={token}").get_json()["attachments"]
    assert [f["name"] for f in theirs] == ["plan.txt"]
    assert "added_by" not in theirs[0]
    listed = client.get(f"/api/v1/tickets/{number}/attachments?token={token}").get_json()
    assert [f["name"] for f in listed["attachments"]] == ["plan.txt"]
    hidden = client.get(f"/api/v1/tickets/{number}/attachments/{internal_id}?token={token}")
    assert hidden.status_code == 404 and hidden.get_json() == {"error": "ticket not found"}


def test_a_public_flag_that_is_neither_true_nor_false_is_named(client, bearer):
    number, _ = filed(client)
    response = upload(client, number, ("a.txt", b"a"), headers=bearer, public="maybe")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"public": "must be true or false"}


def test_unknown_and_forbidden_look_alike(client, bearer):
    number, token = filed(client)
    other, other_token = filed(client, requester={"name": "Bob", "email": "bob@example.org"})
    [added] = upload(client, number, ("a.txt", b"a"), token=token).get_json()["attachments"]
    path = f"/api/v1/tickets/{number}/attachments/{added['id']}"
    answers = [
        client.get(path),  # nobody
        client.get(f"{path}?token={other_token}"),  # another ticket's requester
        client.get(f"{path}?token=nope"),
        client.get(f"/api/v1/tickets/{other}/attachments/{added['id']}", headers=bearer),
        client.get(f"/api/v1/tickets/{number}/attachments/{'0' * 32}", headers=bearer),
        client.get(f"/api/v1/tickets/999999/attachments/{added['id']}", headers=bearer),
    ]
    assert [a.status_code for a in answers] == [404] * 6
    assert {a.get_data(as_text=True) for a in answers} == {answers[0].get_data(as_text=True)}
    assert client.get(f"{path}?token={token}").status_code == 200


def test_uploading_needs_credentials_and_someone_elses_token_finds_no_ticket(client):
    number, _ = filed(client)
    _, other_token = filed(client, requester={"name": "Bob", "email": "bob@example.org"})
    assert upload(client, number, ("a.txt", b"a")).status_code == 401
    assert upload(client, number, ("a.txt", b"a"), token=other_token).status_code == 404
    bad = upload(client, number, ("a.txt", b"a"), headers={"Authorization": "Bearer rtf_x_y"})
    assert bad.status_code == 401


def test_a_private_ticket_shows_its_requester_their_files_and_nobody_else(client, bearer):
    number, token = filed(client, private=True)
    [added] = upload(client, number, ("id.pdf", b"%PDF"), token=token).get_json()["attachments"]
    path = f"/api/v1/tickets/{number}/attachments/{added['id']}"
    assert client.get(f"{path}?token={token}").data == b"%PDF"
    assert client.get(path, headers=bearer).data == b"%PDF"
    assert client.get(path).status_code == 404
    queue = client.get(f"/api/v1/queue?ticket={number}")
    assert "id.pdf" not in queue.get_data(as_text=True)


def test_a_file_over_the_limit_is_413_in_words_and_nothing_is_added(client, bearer):
    number, _ = filed(client)
    response = upload(client, number, ("big.iso", b"x" * (MAX_BYTES + 1)), headers=bearer)
    assert response.status_code == 413
    assert response.get_json()["errors"] == {
        "file": f"big.iso is {MAX_BYTES + 1} bytes; a file may be at most {MAX_BYTES} bytes"
    }
    assert client.get(f"/api/v1/tickets/{number}", headers=bearer).get_json()["attachments"] == []


def test_too_many_files_no_file_or_an_empty_one_is_422(client, bearer):
    number, _ = filed(client)
    assert (
        upload(
            client, number, *[(f"{i}", b"x") for i in range(PER_TICKET)], headers=bearer
        ).status_code
        == 201
    )
    full = upload(client, number, ("one-more", b"x"), headers=bearer)
    assert full.status_code == 422
    assert full.get_json()["errors"] == {
        "file": f"a ticket may hold {PER_TICKET} files; this one has {PER_TICKET}"
    }
    other, _ = filed(client)
    none = client.post(
        f"/api/v1/tickets/{other}/attachments",
        headers=bearer,
        data={},
        content_type="multipart/form-data",
    )
    assert none.status_code == 422 and none.get_json()["errors"] == {
        "file": "choose a file to attach"
    }
    empty = upload(client, other, ("empty.txt", b""), headers=bearer)
    assert empty.status_code == 422 and empty.get_json()["errors"] == {"file": "empty.txt is empty"}


def test_only_the_upload_routes_take_large_bodies(client, bearer, container):
    number, _ = filed(client)
    limit = container.settings.upload_request_bytes
    huge = upload(client, number, ("huge.bin", b"x" * (limit + 1)), headers=bearer)
    assert huge.status_code == 413
    assert huge.get_json()["error"] == (
        f"the files are too large: attach at most 5 files at once, each at most {MAX_BYTES} bytes"
    )
    big_json = client.post("/api/v1/tickets", json={"requirements": "x" * 300_000})
    assert big_json.status_code == 413
    big_form = client.post(
        f"/api/v1/tickets/{number}/attachments", data={"public": "x" * 300_000}, headers=bearer
    )
    assert big_form.status_code == 413  # not multipart: the small limit
