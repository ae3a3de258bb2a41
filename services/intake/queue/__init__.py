"""The public queue: every non-private ticket, for anyone, as a page (/queue), JSON
(/api/v1/queue) and an Atom feed (/queue.atom).

Where it reads from: the sparse `by-public` GSI (TicketRepository.public_open and public),
which holds non-private tickets only, in two partitions, open and finished, ordered by filing
time (a ticket's entry moves once, when it finishes). Never a scan.

- The open view (every open status, or one of them) reads the open partition whole, up to
  READ_CAP tickets, and filters, sorts and pages in memory. An ops team has at most a few
  thousand open tickets, so this is one Query (paged) and its tickets by key, and it is what
  makes sorting by last update or by status, page numbers and a total possible. When the
  partition holds more than the cap, the oldest READ_CAP are shown and the page says so
  (`truncated`).
- Resolved, closed and rejected tickets grow forever: they are read a page at a time with the
  index's own cursor (`after=`), newest (or oldest) first by filing time, so a page costs the
  same in year five as on day one. Filters apply while reading, bounded by FINISHED_BUDGET
  tickets and FINISHED_TRIPS reads per page (on DynamoDB each read passes over the other
  finished statuses of the partition, at most PAGE_READS entries): with a selective filter a
  page may hold fewer than `per_page` tickets and still link to the next.
- `q` (words) is the public search (services/domain/search.py): every word in the number or
  title of a non-private ticket, newest first by default, a page at a time by the search's
  cursor (`after`), with no total: not even a count says anything of a private ticket. The
  feed does not take words.
- `ticket=N` shows that one ticket if it is public, whatever its status: the permalink the
  feed's entries use (the status page needs the requester's token). A private or missing
  ticket gives the same empty answer.

Privacy: private tickets are not in the index; every path also drops any ticket marked private
(belt and braces: a wrong index entry must not publish one). Nothing here shows the requester,
the requirements or any event text: number, title, type, status, owner's name, age, ETA and
the summary of the last public step only.

query.py: the query string (one pydantic model, also the OpenAPI document's parameters);
reading.py: the index reads; pages.py and feed.py: the routes; web.py: links and caching.
"""

from . import feed, pages  # noqa: F401 - importing them registers their routes on bp
from .query import (
    OPEN_STATUSES,
    PER_PAGE,
    PER_PAGE_MAX,
    InvalidQuery,
    QueueQuery,
    parse_query,
)
from .reading import FINISHED_BUDGET, FINISHED_TRIPS, READ_CAP, feed_tickets, read_queue
from .web import MAX_AGE, bp

__all__ = [
    "FINISHED_BUDGET",
    "FINISHED_TRIPS",
    "MAX_AGE",
    "OPEN_STATUSES",
    "PER_PAGE",
    "PER_PAGE_MAX",
    "READ_CAP",
    "InvalidQuery",
    "QueueQuery",
    "bp",
    "feed_tickets",
    "parse_query",
    "read_queue",
]
