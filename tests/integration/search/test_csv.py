"""format=csv: the same tickets as the JSON list, as a download a spreadsheet cannot be made
to run: every cell that starts like a formula is quoted."""

from __future__ import annotations

import csv
import io

from services.intake.find.export import HEADER
from tests.integration.console_helpers import file

from .conftest import BASE_URL


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


def test_the_csv_holds_the_same_tickets_as_the_json(client, staff, container):
    made = [file(container, title=f"Rack {i} power", triaged=False) for i in range(3)]
    listed = client.get("/api/v1/tickets?q=rack&sort=oldest", headers=staff).json["tickets"]
    response = client.get("/api/v1/tickets?q=rack&sort=oldest&format=csv", headers=staff)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="tickets.csv"'
    assert "Link" not in response.headers
    header, *body = rows(response)
    assert header == list(HEADER)
    assert [int(r[0]) for r in body] == [t["number"] for t in listed] == made
    assert body[0][1] == "Rack 0 power" and body[0][3] == "new" and body[0][7] == "no"


def test_cells_that_would_run_as_formulas_are_quoted(client, staff, container):
    # (A title cannot start with a tab or a line break: the intake strips them.)
    for title in ("=HYPERLINK(evil)", "+1 cell", "-2 cell", "@SUM(A1)"):
        file(container, title=f"{title} formula", triaged=False)
    response = client.get("/api/v1/tickets?q=formula&format=csv&sort=oldest", headers=staff)
    titles = [r[1] for r in rows(response)[1:]]
    assert titles == [
        "'=HYPERLINK(evil) formula",
        "'+1 cell formula",
        "'-2 cell formula",
        "'@SUM(A1) formula",
    ]


def test_a_csv_page_links_to_what_follows(client, staff, container):
    made = [file(container, title="Cable", triaged=False) for _ in range(3)]
    response = client.get("/api/v1/tickets?q=cable&format=csv&per_page=2", headers=staff)
    assert [int(r[0]) for r in rows(response)[1:]] == made[:0:-1]
    link = response.headers["Link"]
    assert link.startswith(f"<{BASE_URL}/api/v1/tickets?") and link.endswith('>; rel="next"')
    following = client.get(link[1:].split(">")[0].removeprefix(BASE_URL), headers=staff)
    assert [int(r[0]) for r in rows(following)[1:]] == made[:1]
    assert "Link" not in following.headers


def test_a_csv_may_hold_ten_thousand_tickets_and_no_more(client, staff):
    assert client.get("/api/v1/tickets?format=csv&per_page=10000", headers=staff).status_code == 200
    refused = client.get("/api/v1/tickets?format=csv&per_page=10001", headers=staff)
    assert refused.status_code == 422 and "per_page" in refused.json["errors"]
