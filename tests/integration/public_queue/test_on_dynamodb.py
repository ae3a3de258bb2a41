"""The public queue on the real table (the emulator): private tickets stay out, and finished
tickets page through the sparse index."""

from __future__ import annotations

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.domain.actors import Actor
from services.intake.app import create_app
from tests.integration.public_queue.queue_helpers import ATOM, SECRET_TITLE, atom, file

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
