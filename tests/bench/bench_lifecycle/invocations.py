"""Lambda invocations as the stack's pumps make them: which function, in which step, how long,
and whether AWS would have made it (the relay's stream filter)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from time import perf_counter

from .observing import _CALLER, _STEP, _labelled

# -- Lambda invocations -------------------------------------------------------------------------


@dataclass
class Invocation:
    function: str
    step: str
    label: str  # the caller label its AWS calls carry
    seconds: float
    billed: bool  # False: AWS would not have invoked it (the relay's stream filter)
    records: int = 0
    did: str = ""  # the scheduler: fired / replanned / idle


def _relay_filter_matches(record: dict) -> bool:
    """serverless.yml's filterPatterns for the relay: INSERTs of EVENT# or INBOX# items."""
    if record.get("eventName") != "INSERT":
        return False
    keys = record.get("dynamodb", {}).get("Keys", {})
    sk = keys.get("sk", {}).get("S", "")
    pk = keys.get("pk", {}).get("S", "")
    return sk.startswith("EVENT#") or pk.startswith("INBOX#")


class _Invocations:
    def __init__(self) -> None:
        self.all: list[Invocation] = []
        self._n: Counter[str] = Counter()

    def label(self, function: str) -> str:
        self._n[function] += 1
        return f"{function}#{self._n[function]}"

    def wrap(self, function: str, handler):
        def invoke(event, context):
            label = self.label(function)
            records = event.get("Records", [])
            billed = True
            if function == "relay":
                billed = any(_relay_filter_matches(r) for r in records)
            start = perf_counter()
            try:
                with _labelled(_CALLER, label):
                    return handler(event, context)
            finally:
                self.all.append(
                    Invocation(
                        function,
                        _STEP.get(),
                        label,
                        perf_counter() - start,
                        billed,
                        len(records),
                    )
                )

        return invoke
