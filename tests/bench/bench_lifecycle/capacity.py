"""Capacity units by AWS's documented rules: write and read units of an item, and the index
writes a change of it causes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tests.bench.bench_scheduler.measuring import item_bytes

# -- capacity units: AWS's documented rules -----------------------------------------------------

KB, FOUR_KB = 1024, 4096


def write_units(nbytes: int, *, transactional: bool = False) -> int:
    """Write request units for one item of `nbytes` (the larger of its before and after
    images): 1 per KB started, at least 1; twice that inside TransactWriteItems."""
    units = max(1, math.ceil(nbytes / KB))
    return 2 * units if transactional else units


def read_units(nbytes: int, *, consistent: bool, transactional: bool = False) -> float:
    """Read request units for one read of `nbytes` (an item, or all a Query read): 1 per 4 KB
    started, at least 1; half when eventually consistent, twice in TransactGetItems."""
    units = max(1, math.ceil(nbytes / FOUR_KB))
    if transactional:
        return 2.0 * units
    return float(units) if consistent else units / 2


@dataclass(frozen=True)
class Index:
    """A global secondary index: its key attributes and what it projects."""

    name: str
    hash_key: str
    range_key: str | None
    projection: str  # ALL | KEYS_ONLY | INCLUDE
    include: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.hash_key, self.range_key) if self.range_key else (self.hash_key,)

    def holds(self, item: dict[str, Any] | None) -> bool:
        """A GSI holds only items that have every one of its key attributes (sparse)."""
        return bool(item) and all(k in item for k in self.keys)

    def entry(self, item: dict[str, Any], table_keys: tuple[str, ...]) -> dict[str, Any]:
        """The index entry of `item`: table keys, index keys and the projected attributes."""
        if self.projection == "ALL":
            return dict(item)
        names = {*table_keys, *self.keys, *self.include}
        return {k: v for k, v in item.items() if k in names}


def indexes_from_template(template: dict[str, Any]) -> tuple[tuple[str, ...], list[Index]]:
    """The tickets table's key attributes and GSIs, from the CloudFormation template (the one
    definition the emulator and AWS both use)."""
    table = next(
        r["Properties"]
        for r in template["Resources"].values()
        if r.get("Type") == "AWS::DynamoDB::Table"
    )
    table_keys = tuple(
        k["AttributeName"] for k in sorted(table["KeySchema"], key=lambda k: k["KeyType"])
    )
    out = []
    for gsi in table.get("GlobalSecondaryIndexes", []):
        schema = {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}
        projection = gsi.get("Projection", {})
        out.append(
            Index(
                gsi["IndexName"],
                schema["HASH"],
                schema.get("RANGE"),
                projection.get("ProjectionType", "KEYS_ONLY"),
                tuple(projection.get("NonKeyAttributes", ())),
            )
        )
    return table_keys, out


def index_writes(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    indexes: list[Index],
    table_keys: tuple[str, ...],
) -> dict[str, int]:
    """Write units each GSI consumes for one table write (DynamoDB guide, "Provisioned
    throughput considerations for global secondary indexes"): an item entering an index is one
    write of its entry, leaving it one delete, a changed index key a delete and a put, a
    change of projected attributes only one write; nothing when the entry is unchanged or the
    item is in the index neither before nor after. Each rounded up to 1 KB of the entry (table
    keys + index keys + projected attributes). GSI propagation is not transactional: 1x."""
    out: dict[str, int] = {}
    for index in indexes:
        was, now = index.holds(before), index.holds(after)
        units = 0
        if was and now:
            assert before is not None and after is not None
            old, new = index.entry(before, table_keys), index.entry(after, table_keys)
            if any(before.get(k) != after.get(k) for k in index.keys):
                units = write_units(item_bytes(old)) + write_units(item_bytes(new))
            elif old != new:
                units = write_units(max(item_bytes(old), item_bytes(new)))
        elif now:
            assert after is not None
            units = write_units(item_bytes(index.entry(after, table_keys)))
        elif was:
            assert before is not None
            units = write_units(item_bytes(index.entry(before, table_keys)))
        if units:
            out[index.name] = units
    return out
