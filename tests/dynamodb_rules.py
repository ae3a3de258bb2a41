"""Rules real DynamoDB enforces and the emulator does not, checked on every request a test
process makes: a Query's FilterExpression may not name a key of the table or of the index it
reads (AWS answers ValidationException; moto applies the filter)."""

from __future__ import annotations

import re
from typing import Any

from botocore.client import BaseClient

from services.adapters.dynamo.models import EventItem, TicketItem

_TABLE_KEYS = frozenset({"pk", "sk"})
_NAME = re.compile(r"#\w+|[A-Za-z_]\w*")


def _index_keys() -> dict[str, frozenset[str]]:
    keys: dict[str, frozenset[str]] = {}
    for model in (TicketItem, EventItem):
        for index in model._indexes.values():
            schema = index._get_schema()
            keys[schema["index_name"]] = frozenset(k["AttributeName"] for k in schema["key_schema"])
    return keys


def key_in_filter(params: dict[str, Any], index_keys: dict[str, frozenset[str]]) -> set[str]:
    """The key attributes a Query's FilterExpression names (none: the request is fine)."""
    expression = params.get("FilterExpression")
    if not expression:
        return set()
    aliases = params.get("ExpressionAttributeNames", {})
    named = {aliases.get(token, token) for token in _NAME.findall(expression)}
    index = params.get("IndexName")
    keys = index_keys.get(index, frozenset()) if index else _TABLE_KEYS
    return named & keys


def install() -> None:
    index_keys = _index_keys()
    make_api_call = BaseClient._make_api_call

    def checked(self: BaseClient, operation_name: str, params: dict[str, Any]) -> Any:
        if operation_name == "Query" and (found := key_in_filter(params, index_keys)):
            raise AssertionError(
                f"DynamoDB refuses a Query whose FilterExpression names a key ({sorted(found)}): "
                "select by the key condition, or pass the items over after reading them"
            )
        return make_api_call(self, operation_name, params)

    BaseClient._make_api_call = checked  # type: ignore[method-assign]
