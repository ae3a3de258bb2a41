"""The staff search: GET /api/v1/tickets (JSON, or CSV with `format=csv`) and what the
console's search page shares with it.

query.py: the query string (one pydantic model, also the OpenAPI document's parameters);
reading.py: a view as CSV, a batch at a time; export.py: the CSV rows, formula-safe;
views.py: the JSON answer; api.py: the route. The search itself is the TicketSearch port
(services/domain/search.py) of the container's home.
"""

from .api import bp, csv_response
from .query import FindQuery, parse_find
from .views import FoundTicket, TicketList

__all__ = ["FindQuery", "FoundTicket", "TicketList", "bp", "csv_response", "parse_find"]
