"""What a measured operation did over the wire (requests by operation, items read and written,
bytes, estimated read units) and its wall times over repeated runs."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

# -- measuring ----------------------------------------------------------------------------------


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (wire format)."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: dict[str, Any]) -> int:
    ((kind, v),) = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return (len(v.lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_bytes(e) for e in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_bytes(e) for k, e in v.items())
    return sum(len(str(e).encode()) for e in v)  # SS / NS / BS


def read_units(nbytes: int, *, consistent: bool = False) -> float:
    """Read capacity for one request that reads `nbytes`: 4 KB units, halved when eventual."""
    units = max(1, math.ceil(nbytes / 4096))
    return units if consistent else units / 2


class Meter:
    """Counts what goes to AWS while active, by wrapping botocore's single entry point (as
    tests/integration/test_aws_calls.py does): calls by operation, items read (Query/Scan
    ScannedCount, items got, condition checks) and written, bytes, and time inside calls."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.read: Counter[str] = Counter()
        self.returned: Counter[str] = Counter()
        self.written: Counter[str] = Counter()
        self.returned_bytes = 0
        self.written_bytes = 0
        self.read_units: defaultdict[str, float] = defaultdict(float)
        self.seconds = 0.0

    def __enter__(self) -> Meter:
        import botocore.client

        self._original = original = botocore.client.BaseClient._make_api_call
        meter = self

        def metered(client, operation, params):
            start = perf_counter()
            try:
                response = original(client, operation, params)
            finally:
                meter.seconds += perf_counter() - start
            meter.record(operation, params, response)
            return response

        botocore.client.BaseClient._make_api_call = metered
        return self

    def __exit__(self, *exc) -> None:
        import botocore.client

        botocore.client.BaseClient._make_api_call = self._original

    def record(self, op: str, params: dict, response: dict) -> None:
        self.calls[op] += 1
        if op in ("Query", "Scan"):
            nbytes = sum(item_bytes(i) for i in response.get("Items", []))
            self.read[op] += int(response.get("ScannedCount", 0))
            self.returned[op] += int(response.get("Count", 0))
            self.returned_bytes += nbytes
            # Exact only without a filter (then what is read is what is returned).
            self.read_units[op] += read_units(nbytes, consistent=bool(params.get("ConsistentRead")))
        elif op == "GetItem":
            found = "Item" in response
            self.read[op] += 1  # a key lookup costs a read whether or not the item exists
            self.returned[op] += int(found)
            nbytes = item_bytes(response["Item"]) if found else 0
            self.returned_bytes += nbytes
            self.read_units[op] += read_units(nbytes, consistent=bool(params.get("ConsistentRead")))
        elif op == "BatchGetItem":
            items = [i for rows in response.get("Responses", {}).values() for i in rows]
            self.read[op] += len(items)
            self.returned[op] += len(items)
            self.returned_bytes += sum(item_bytes(i) for i in items)
            self.read_units[op] += sum(read_units(item_bytes(i)) for i in items)
        elif op in ("PutItem", "UpdateItem", "DeleteItem"):
            self.written[op] += 1
            self.written_bytes += item_bytes(params.get("Item", {}))
        elif op == "BatchWriteItem":
            for rows in params["RequestItems"].values():
                self.written[op] += len(rows)
                self.written_bytes += sum(
                    item_bytes(r["PutRequest"]["Item"]) for r in rows if "PutRequest" in r
                )
        elif op == "TransactWriteItems":
            for entry in params["TransactItems"]:
                if "ConditionCheck" in entry:
                    self.read[op] += 1
                else:
                    self.written[op] += 1
                    self.written_bytes += item_bytes(entry.get("Put", {}).get("Item", {}))

    def summary(self) -> dict[str, Any]:
        return {
            "calls": dict(sorted(self.calls.items())),
            "items_read": sum(self.read.values()),
            "items_returned": sum(self.returned.values()),
            "items_written": sum(self.written.values()),
            "read_by_operation": dict(sorted(self.read.items())),
            "written_by_operation": dict(sorted(self.written.items())),
            "read_units_est": sum(self.read_units.values()),
            "read_units_est_by_operation": dict(sorted(self.read_units.items())),
            "returned_bytes": self.returned_bytes,
            "written_bytes": self.written_bytes,
        }


@dataclass
class Timed:
    """Wall times of repeated runs of one operation, and what the first run did over the wire."""

    seconds: list[float] = field(default_factory=list)
    in_calls: list[float] = field(default_factory=list)
    work: dict[str, Any] = field(default_factory=dict)
    results: list[Any] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            **self.work,
            "runs": len(self.seconds),
            "ms_median": round(1000 * statistics.median(self.seconds), 2),
            "ms_runs": [round(1000 * s, 2) for s in self.seconds],
            "ms_in_calls_median": round(1000 * statistics.median(self.in_calls), 2),
        }


def timed(fn: Callable[[int], Any], runs: int, budget_s: float) -> Timed:
    """Run fn(run index) up to `runs` times (at least once; fewer when over `budget_s`)."""
    out = Timed()
    for i in range(runs):
        with Meter() as meter:
            start = perf_counter()
            out.results.append(fn(i))
            out.seconds.append(perf_counter() - start)
        out.in_calls.append(meter.seconds)
        if i == 0:
            out.work = meter.summary()
        if sum(out.seconds) > budget_s:
            break
    return out
