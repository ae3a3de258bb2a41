"""The stack the life-cycle benchmark drives; imported only when it runs (the embedded stack
brings the emulator and every handler)."""

from __future__ import annotations

from time import perf_counter
from typing import Any

from infra.local.stack import EmbeddedStack

from .invocations import Invocation, _Invocations
from .observing import _CALLER, _STEP, CallCounter, _labelled
from .steps import MAX_PUMP_STEPS, REGION


class SteppedStack(EmbeddedStack):
    """The embedded stack with its pumps stepped in this thread, in a fixed order, and
    without the tickers (the scheduler runs when settle() asks; reports never)."""

    def __post_init__(self):
        super().__post_init__()
        self.counter: CallCounter | None = None
        self.invocations = _Invocations()
        self.held: set[str] = set()
        self._named: dict[str, Any] = {}

    def start_emulator(self) -> None:
        super().start_emulator()
        locked = self._emulator._server.app  # emulator._OneAtATime: count inside its lock
        self.counter = CallCounter(locked.app)
        locked.app = self.counter

    def start_pumps(self) -> None:
        import boto3

        from infra.local.pumps import QueuePump, StreamPump
        from services.inbound import handler as inbound
        from services.notify import handler as notify
        from services.notify import webhook_handler as webhooks
        from services.relay import handler as relay
        from services.triage import handler as triage

        streams = boto3.client("dynamodbstreams", endpoint_url=self.endpoint, region_name=REGION)
        sqs = boto3.client("sqs", endpoint_url=self.endpoint, region_name=REGION)
        wrap = self.invocations.wrap
        o = self.outputs
        self._named = {
            "stream": StreamPump(
                streams, o["TicketsTableStreamArn"], wrap("relay", relay.handler), REGION
            ),
            "triage": QueuePump(
                sqs, o["TriageQueueUrl"], wrap("triage", triage.handler), REGION, "triage"
            ),
            "notify": QueuePump(
                sqs, o["NotifyQueueUrl"], wrap("notify", notify.handler), REGION, "notify"
            ),
            "inbound": QueuePump(
                sqs, o["InboundQueueUrl"], wrap("inbound", inbound.handler), REGION, "inbound"
            ),
            "webhooks": QueuePump(
                sqs,
                o["WebhooksQueueUrl"],
                wrap("webhooks", webhooks.handler),
                REGION,
                "webhooks",
                retry_after=None,
            ),
        }
        self._pumps = list(self._named.values())  # not started: stepped by _wait_idle

    def _wait_idle(self, deadline: float) -> None:
        """Step every pump (but the held ones) in turn until none has anything to do."""
        moved, steps = True, 0
        while moved:
            moved = False
            for name, pump in self._named.items():
                if name in self.held:
                    continue
                with _labelled(_CALLER, f"esm:{name}"):
                    while pump.step():
                        moved, steps = True, steps + 1
                        if steps > MAX_PUMP_STEPS:  # a handler failing over and over
                            raise RuntimeError(f"the pumps never went idle ({name})")

    def run_scheduler(self):
        label = self.invocations.label("scheduler")
        start = perf_counter()
        with _labelled(_CALLER, label):
            report = super().run_scheduler()
        did = "fired" if report["fired"] else "replanned" if report["replanned"] else "idle"
        self.invocations.all.append(
            Invocation("scheduler", _STEP.get(), label, perf_counter() - start, True, did=did)
        )
        return report
