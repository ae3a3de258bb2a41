"""/queue, /api/v1/queue and /queue.atom through the Flask app: private tickets never appear
(not their titles, not in a count), user text is escaped, bad filters are 400s with a message
by the field, the answers are cacheable, the feed is Atom, the JSON is what OpenAPI says."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.application.deps import TicketDeps
from services.application.filing import file_ticket
from services.domain.actors import Actor
from services.domain.lifecycle import Status
from services.intake.app import create_app
from tests.conftest import valid_ticket
from tests.fakes import FakeTicketRepository

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_TITLE = "Quietly replace the payroll server"
XSS = "<script>alert('queue')</script> & <b>bold</b>"
REQUESTER = {"name": "Ana Souza", "email": "ana.requester@example.org"}


@pytest.fixture
def repo():
    return FakeTicketRepository()


@pytest.fixture
def container(flow, clock, repo):
    settings = Settings(secret_key="queue-test-secret-" * 3, base_url="http://rt.example.org")
    return build(settings, flow=flow, clock=clock, tickets=repo)


@pytest.fixture
def client(container):
    return create_app(container).test_client()


def file(container, **overrides):
    body = valid_ticket(requester=REQUESTER, **overrides)
    return file_ticket(
        body,
        TicketDeps(
            container.tickets, container.flow, container.clock, container.settings.secret_key
        ),
        source="api",
    ).ticket


def set_fields(repo, number: int, **fields) -> None:
    """Put a stored ticket in a state (the fake's store, as if actions had run)."""
    for name, value in fields.items():
        setattr(repo.tickets[number], name, value)


@pytest.fixture
def tickets(container, clock, repo):
    """Four public tickets (one in a finished status) and two private ones."""
    numbers = {}
    numbers["xss"] = file(container, title=XSS).number
    clock.advance(hours=1)
    numbers["db"] = file(container, type="database", title="A replica for analytics").number
    set_fields(repo, numbers["db"], status=Status.IN_PROGRESS, owner="priya", eta=date(2027, 1, 8))
    clock.advance(hours=1)
    numbers["plants"] = file(container, title="Move the office plants").number
    clock.advance(hours=1)
    numbers["done"] = file(container, title="Rotate the old certificate").number
    set_fields(repo, numbers["done"], status=Status.CLOSED, owner="mira")
    clock.advance(hours=1)
    numbers["secret"] = file(container, title=SECRET_TITLE, private=True).number
    set_fields(repo, numbers["secret"], status=Status.IN_PROGRESS, owner="priya")
    numbers["access"] = file(container, type="access", title="Root on the payroll db").number
    clock.advance(hours=1)
    return numbers


def atom(response) -> ET.Element:
    # The app's own answer, not untrusted input; the brief asks for the stdlib parser.
    return ET.fromstring(response.data)  # noqa: S314


def texts_of_private(body: str) -> list[str]:
    return [t for t in (SECRET_TITLE, "Root on the payroll db", "payroll") if t in body]


# -- privacy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/queue",
        "/queue?owner=priya",
        "/queue?status=in-progress",
        "/queue?sort=updated&per_page=100",
        "/queue?type=access",
        "/queue.atom",
        "/queue.atom?owner=priya",
        "/api/v1/queue",
        "/api/v1/queue?owner=priya",
        "/api/v1/queue?type=access",
    ],
)
def test_private_tickets_never_appear(client, tickets, path):
    body = client.get(path).text
    assert texts_of_private(body) == []
    # Nor does any requester: not the address, not the name.
    assert REQUESTER["email"] not in body and REQUESTER["name"] not in body


def test_private_tickets_are_not_counted(client, tickets):
    body = client.get("/api/v1/queue").get_json()
    assert body["total"] == 3  # xss, db, plants: the open public ones
    assert [t["number"] for t in body["tickets"]] == [
        tickets["xss"],
        tickets["db"],
        tickets["plants"],
    ]
    priya = client.get("/api/v1/queue?owner=priya").get_json()
    assert priya["total"] == 1
    assert "3 tickets" in client.get("/queue").text


def test_a_private_ticket_by_number_looks_like_no_ticket(client, tickets):
    secret = client.get(f"/queue?ticket={tickets['secret']}")
    missing = client.get("/queue?ticket=9999")
    assert secret.status_code == missing.status_code == 200
    assert f"No public ticket #{tickets['secret']}." in secret.text
    n = tickets["secret"]
    assert secret.text.replace(f"#{n}", "#N") == missing.text.replace("#9999", "#N")
    api = client.get(f"/api/v1/queue?ticket={tickets['secret']}").get_json()
    assert api["tickets"] == [] and api["total"] == 0


def test_one_public_ticket_by_number_whatever_its_status(client, tickets):
    body = client.get(f"/api/v1/queue?ticket={tickets['done']}").get_json()
    assert [t["status"] for t in body["tickets"]] == ["closed"]
    assert body["filters"]["status"] is None


# -- what a row shows ------------------------------------------------------------------------


def test_a_row_has_number_title_type_status_owner_by_name_age_eta_and_last_update(
    client, tickets, clock
):
    clock.advance(days=3)
    (row,) = client.get("/api/v1/queue?owner=priya").get_json()["tickets"]
    assert row["number"] == tickets["db"]
    assert (row["type"], row["type_label"], row["status"]) == (
        "database",
        "Database request",
        "in-progress",
    )
    assert (row["owner"], row["owner_id"]) == ("Priya Raman", "priya")
    assert row["age_days"] == 3 and row["eta"] == "2027-01-08"
    assert row["last_update"] == "Filed" and row["last_update_at"]
    assert (
        row["url"] == f"http://rt.example.org/queue?ticket={tickets['db']}#ticket-{tickets['db']}"
    )
    page = client.get("/queue?owner=priya").text
    assert "Priya Raman" in page and "priya@example.org" not in page
    assert re.search(r'<tr id="ticket-\d+">', page)


def test_user_text_is_escaped_in_the_page_the_json_and_the_feed(client, tickets):
    page = client.get("/queue").text
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert (
        "&lt;script&gt;alert(&#39;queue&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    )
    titles = [t["title"] for t in client.get("/api/v1/queue").get_json()["tickets"]]
    assert XSS in titles
    feed = atom(client.get("/queue.atom"))
    assert f"#{tickets['xss']} {XSS}" in [
        e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")
    ]


def test_characters_xml_cannot_carry_are_dropped_from_the_feed(client, container, repo):
    # Intake refuses control characters; a ticket stored before that rule, or by another
    # writer, must still not break the feed.
    number = file(container, title="Bell and formfeed").number
    set_fields(repo, number, title="Bell\x07 and form\x0cfeed")
    feed = atom(client.get("/queue.atom"))  # parses: nothing illegal left
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == f"#{number} Bell and formfeed"


# -- filters, sorting, pages -----------------------------------------------------------------


def test_filters_by_type_and_status(client, tickets):
    def shown(query):
        return [t["number"] for t in client.get(f"/api/v1/queue?{query}").get_json()["tickets"]]

    assert shown("type=database") == [tickets["db"]]
    assert shown("status=closed") == [tickets["done"]]
    assert shown("status=new&sort=newest") == [tickets["plants"], tickets["xss"]]
    assert shown("sort=status") == [tickets["xss"], tickets["plants"], tickets["db"]]


def test_page_links_keep_the_filters(client, container):
    for i in range(5):
        file(container, title=f"Ticket {i}")
    page = client.get("/queue?type=general&per_page=2&sort=newest").text
    link = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', page).group(1)
    assert parse_qs(urlsplit(link.replace("&amp;", "&")).query) == {
        "type": ["general"],
        "sort": ["newest"],
        "per_page": ["2"],
        "page": ["2"],
    }
    api = client.get("/api/v1/queue?type=general&per_page=2").get_json()
    assert (api["page"], api["pages"], api["total"]) == (1, 3, 5)
    assert api["previous"] is None
    assert api["next"] == "http://rt.example.org/api/v1/queue?type=general&per_page=2&page=2"
    last = client.get("/api/v1/queue?type=general&per_page=2&page=3").get_json()
    assert len(last["tickets"]) == 1 and last["next"] is None and last["previous"]


def test_finished_tickets_page_with_the_next_link(client, container, repo):
    numbers = [file(container, title=f"Done {i}").number for i in range(5)]
    for n in numbers:
        set_fields(repo, n, status=Status.RESOLVED)
    seen, url = [], "/api/v1/queue?status=resolved&per_page=2"
    while url:
        body = client.get(url.removeprefix("http://rt.example.org")).get_json()
        assert body["page"] is None and body["total"] is None
        seen += [t["number"] for t in body["tickets"]]
        url = body["next"]
    assert seen == numbers[::-1]  # newest first, each once
    page = client.get("/queue?status=resolved&per_page=2").text
    assert 'rel="next">Older tickets</a>' in page


# -- refusals ------------------------------------------------------------------------------


def test_bad_filters_are_400_with_a_message_per_field(client, tickets):
    r = client.get("/api/v1/queue?status=lost&type=nope&owner=mallory&page=0&per_page=1000")
    assert r.status_code == 400
    body = r.get_json()
    assert body["error"] == "invalid query"
    assert set(body["errors"]) == {"status", "type", "owner", "page", "per_page"}
    assert r.headers["Cache-Control"] == "no-store"


def test_the_page_shows_a_bad_filter_next_to_the_form(client, tickets):
    r = client.get("/queue?type=<b>nope</b>&page=abc")
    assert r.status_code == 400
    page = r.text
    assert (
        '<select id="f-type" name="type" aria-describedby="f-type-error" aria-invalid="true">'
        in page
    )
    assert re.search(
        r'<p class="error" id="f-type-error"><strong>Error:</strong> unknown ticket type', page
    )
    assert "&lt;b&gt;nope&lt;/b&gt;" in page and "<b>nope</b>" not in page
    assert "page: a whole number from 1" in page
    assert 'role="alert"' in page
    assert "<table" not in page  # no results under a bad filter


@pytest.mark.parametrize(
    "query",
    ["status=closed&sort=updated", "status=closed&page=2", "after=x", "status=closed&after=zz"],
)
def test_combinations_that_cannot_be_served_are_400_not_500(client, tickets, query):
    assert client.get(f"/api/v1/queue?{query}").status_code == 400
    assert client.get(f"/queue?{query}").status_code == 400


def test_a_bad_feed_query_is_a_400(client):
    assert client.get("/queue.atom?type=nope").status_code == 400


# -- caching -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/queue", "/api/v1/queue", "/queue.atom"])
def test_answers_are_cacheable_and_revalidate(client, tickets, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=30"
    etag = r.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/queue", "/api/v1/queue", "/queue.atom"])
def test_a_request_with_a_token_or_credentials_is_never_stored(client, tickets, path):
    assert client.get(f"{path}?token=abc").headers["Cache-Control"] == "no-store"
    with_auth = client.get(path, headers={"Authorization": "Bearer rtf_mira_x"})
    assert with_auth.headers["Cache-Control"] == "no-store"


def test_other_pages_stay_no_store(client, tickets):
    assert client.get("/tickets/new").headers["Cache-Control"] == "no-store"


# -- the feed ------------------------------------------------------------------------------


def test_the_feed_is_atom_with_one_entry_per_recently_updated_public_ticket(
    client, container, repo, tickets, clock
):
    mira = Actor.staff(container.flow.member("mira"))
    plants = repo.get(tickets["plants"])
    repo.save(plants, plants.take(now=clock.now(), actor=mira))  # the latest public update
    r = client.get("/queue.atom")
    assert r.mimetype == "application/atom+xml"
    feed = atom(r)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert feed.findtext(ATOM + required), required
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "self": "http://rt.example.org/queue.atom",
        "alternate": "http://rt.example.org/queue",
    }
    entries = feed.findall(f"{ATOM}entry")
    numbers = [int(e.findtext(f"{ATOM}title").split()[0][1:]) for e in entries]
    # Newest update first; the closed ticket was closed today (its events say so).
    assert numbers[0] == tickets["plants"]
    public = [tickets["xss"], tickets["db"], tickets["plants"], tickets["done"]]
    assert sorted(numbers) == sorted(public)
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    for e, n in zip(entries, numbers, strict=True):
        href = e.find(f"{ATOM}link").get("href")
        assert href == f"http://rt.example.org/queue?ticket={n}#ticket-{n}"  # not the status page
        assert e.findtext(f"{ATOM}id") == href
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e.findtext(f"{ATOM}updated"))
        assert e.find(f"{ATOM}category").get("term")
    plants_entry = entries[0].findtext(f"{ATOM}summary")
    assert "Assigned" in plants_entry and "Mira Okafor" in plants_entry


def test_the_feed_has_a_ticket_finished_today_and_honours_filters(client, container, repo, clock):
    old = file(container, title="Filed long ago")
    clock.advance(days=90)
    mira = Actor.staff(container.flow.member("mira"))
    ticket = repo.get(old.number)
    repo.save(ticket, ticket.reject(now=clock.now(), actor=mira, reason="Not ours"))
    feed = atom(client.get("/queue.atom"))
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == [
        f"#{old.number} Filed long ago"
    ]
    filtered = atom(client.get("/queue.atom?type=database"))
    assert filtered.findall(f"{ATOM}entry") == []
    links = {link.get("rel"): link.get("href") for link in filtered.findall(f"{ATOM}link")}
    assert links["self"] == "http://rt.example.org/queue.atom?type=database"


# -- the page --------------------------------------------------------------------------------


class Labels(HTMLParser):
    """Which ids the page's labels point at, and the form controls' ids."""

    def __init__(self):
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: set[str] = set()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "label":
            self.label_for.add(a.get("for", ""))
        if tag in ("select", "input", "textarea") and a.get("type") != "hidden":
            self.controls.add(a.get("id", ""))


def test_the_page_is_accessible_without_javascript(client, tickets):
    page = client.get("/queue").text
    parsed = Labels()
    parsed.feed(page)
    assert parsed.controls and parsed.controls <= parsed.label_for  # a label for every control
    assert [a.get("method") for t, a in parsed.tags if t == "form"] == ["get"]
    assert not [t for t, _ in parsed.tags if t == "script"]
    assert page.count("<h1>") == 1 and "<caption>" in page
    header_cells = [a for t, a in parsed.tags if t == "th"]
    assert header_cells and all(a.get("scope") in ("col", "row") for a in header_cells)


def test_the_filter_form_offers_public_types_and_the_engineers(client):
    page = client.get("/queue").text
    assert '<option value="database">Database request</option>' in page
    assert 'value="access"' not in page  # always private: it would always be empty
    assert '<option value="priya">Priya Raman</option>' in page


def test_every_page_links_to_the_public_queue(client):
    assert '<a href="/queue">Public queue</a>' in client.get("/").text


# -- the OpenAPI document --------------------------------------------------------------------


def conforms(spec, response):
    declared = spec["paths"]["/api/v1/queue"]["get"]["responses"][str(response.status_code)]
    schema = declared["content"]["application/json"]["schema"]
    jsonschema.validate(
        response.get_json(),
        {**schema, "components": spec["components"]},
        cls=jsonschema.Draft202012Validator,
    )


def test_the_json_is_what_the_openapi_document_says(client, tickets):
    spec = client.get("/openapi.json").get_json()
    conforms(spec, client.get("/api/v1/queue"))
    conforms(spec, client.get("/api/v1/queue?status=closed&per_page=1"))
    conforms(spec, client.get(f"/api/v1/queue?ticket={tickets['db']}"))
    conforms(spec, client.get("/api/v1/queue?status=lost"))
    names = {p["name"] for p in spec["paths"]["/api/v1/queue"]["get"]["parameters"]}
    assert names == {"status", "type", "owner", "sort", "page", "per_page", "after", "ticket"}


# -- on the real table (the emulator) ----------------------------------------------------------


def test_on_dynamodb_private_tickets_stay_out_and_finished_pages_follow_the_index(aws, flow, clock):
    settings = Settings(
        table_name=aws["TicketsTableName"],
        notify_queue_url=aws["NotifyQueueUrl"],
        secret_key="queue-test-secret-" * 3,
        base_url="http://rt.example.org",
    )
    container = build(settings, flow=flow, clock=clock)
    client = create_app(container).test_client()
    mira = Actor.staff(flow.member("mira"))
    rejected = []
    for i in range(5):
        clock.advance(minutes=1)
        t = file(container, title=f"Rejected {i}", type="database" if i % 2 else "general")
        container.tickets.save(t, t.reject(now=clock.now(), actor=mira, reason="no"))
        rejected.append(t.number)
    secret = file(container, title=SECRET_TITLE, private=True)
    container.tickets.save(secret, secret.reject(now=clock.now(), actor=mira, reason="no"))
    clock.advance(minutes=1)
    open_one = file(container, title="Still open").number

    assert [t["number"] for t in client.get("/api/v1/queue").get_json()["tickets"]] == [open_one]
    seen, url = [], "/api/v1/queue?status=rejected&per_page=2"
    while url:
        body = client.get(url.removeprefix("http://rt.example.org")).get_json()
        seen += [t["number"] for t in body["tickets"]]
        url = body["next"]
    assert seen == rejected[::-1]
    general = client.get("/api/v1/queue?status=rejected&type=general&per_page=2").get_json()
    assert [t["number"] for t in general["tickets"]] == [rejected[4], rejected[2]]
    for path in ("/queue?status=rejected", "/queue.atom", "/api/v1/queue?status=rejected"):
        assert SECRET_TITLE not in client.get(path).text
    feed = atom(client.get("/queue.atom"))
    assert len(feed.findall(f"{ATOM}entry")) == 6  # five rejected today, one open
    assert (
        client.get(
            "/api/v1/queue?status=rejected&after=2026-01-01T00:00:00%2B00:00%230000000001"
        ).status_code
        == 200
    )
