"""Loading each home with the benchmark's tickets: the SQLite home through its import path,
DynamoDB by putting the adapter's own items straight into moto's in-process table."""

from __future__ import annotations

from typing import Any

from tests.bench.bench_scheduler.sqlite_home import fresh_database, load_database
from tests.bench.bench_scheduler.stack import _moto_table, load
from tests.bench.progress import Progress

__all__ = ["fresh_database", "load_database", "load_moto"]


def load_moto(table, tickets, histories) -> dict[str, Any]:
    """Tickets and events as the scheduler benchmark loads them ("direct"), then each
    ticket's postings and TERMS item as DynamoSearchIndex.reindex writes them."""
    from services.adapters.dynamo.keys import ticket_pk
    from services.adapters.dynamo.models import CounterItem
    from services.adapters.dynamo.search_index import (
        SCHEME,
        TERMS_SK,
        PostingItem,
        TermsItem,
        posting_key,
        terms,
    )

    loaded = load(table, tickets, histories, "direct")
    moto_table = _moto_table(table.table_name)
    moto_table.put_item(CounterItem("COUNTER", "TICKET", value=len(tickets)).serialize())
    progress = Progress(f"indexing {len(tickets):,} tickets (moto)", len(tickets))
    postings = 0
    for t in tickets:
        found = terms(t, histories.get(t.number, ()))
        for term in found:
            moto_table.put_item(PostingItem(*posting_key(term, t.number)).serialize())
        record = TermsItem(
            ticket_pk(t.number), TERMS_SK, terms=sorted(found), indexed=t.version, scheme=SCHEME
        )
        moto_table.put_item(record.serialize())
        postings += len(found)
        progress.update()
    loaded["index_seconds"] = round(progress.close(), 2)
    loaded["postings"] = postings
    return loaded
