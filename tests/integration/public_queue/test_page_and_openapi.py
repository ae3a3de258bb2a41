"""The public queue's page works without JavaScript and with a label for every control, and its
JSON is what the OpenAPI document says."""

from __future__ import annotations

from html.parser import HTMLParser

import jsonschema

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
    assert names == {"q", "status", "type", "owner", "sort", "page", "per_page", "after", "ticket"}
