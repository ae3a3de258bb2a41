"""The embedded stack: the whole product on one machine, no AWS account, no configuration.

moto's server runs in this process on loopback; the resources are created from
infra/resources by a CloudFormation stack (one definition with serverless.yml); the relay and
queue pumps feed the same Lambda handlers that run on AWS; mail goes to SES, which the
emulator captures and /dev/mail shows. The web app is served by waitress (web_server.py says
why) on HOST:PORT; mail in listens on loopback.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cfn import load_template
from .pumps import QueuePump, StreamPump, Ticker
from .serving import (
    mount_dev_pages,
    serve_until_interrupted,
    start_mail_in,
    web_server,
)
from .web_server import WebServer, url_host

log = logging.getLogger("rtflow.local")

STACK_NAME = "rtflow-local"
REGION = "us-east-1"
# Webhook deliveries in flight at once (Lambda's concurrency on AWS).
WEBHOOK_CALLS = 8


def _aws_env(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",  # noqa: S105 - the emulator accepts any key
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        # moto serves DynamoDB Streams only without account-based endpoints.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }


@dataclass
class EmbeddedStack:
    port: int
    host: str = "127.0.0.1"
    outputs: dict[str, str] = field(default_factory=dict)
    endpoint: str = ""

    def __post_init__(self):
        from services.adapters.clock import AdjustableClock

        self._emulator = None
        self._pumps: list = []
        self._server: WebServer | None = None
        self.dev_pages = False
        self._smtp = None
        self.smtp_port: int | None = None
        # What /dev/stack.json shows: endpoints, resource names, hook secrets, the SMTP port.
        self.info: dict = {}
        self.clock = AdjustableClock()
        self._scheduler_lock = threading.Lock()
        self._settings_file: Path | None = None  # stack_env.py: where `rtflow report` looks

    @property
    def base_url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}"

    @property
    def container(self):
        """The process-wide container, which the Lambda handlers the pumps call use too."""
        from services.adapters.bootstrap import container

        return container()

    def start_emulator(self) -> None:
        from .emulator import Emulator

        self._emulator = Emulator()
        self.endpoint = self._emulator.start()
        os.environ.update(_aws_env(self.endpoint))

    def create_resources(self) -> None:
        import json

        import boto3

        cfn = boto3.client("cloudformation", endpoint_url=self.endpoint, region_name=REGION)
        cfn.create_stack(StackName=STACK_NAME, TemplateBody=json.dumps(load_template()))
        stack = cfn.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
        if stack["StackStatus"] != "CREATE_COMPLETE":
            raise RuntimeError(f"creating the resources failed: {stack['StackStatus']}")
        self.outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        sender = os.environ.get("RTFLOW_MAIL_FROM", "RT Flow <rtflow@example.org>")
        domain = sender.rpartition("@")[2].strip("> ")
        boto3.client("ses", endpoint_url=self.endpoint, region_name=REGION).verify_domain_identity(
            Domain=domain
        )
        os.environ.update(
            {
                "RTFLOW_BACKEND": "aws",
                "RTFLOW_TABLE_NAME": self.outputs["TicketsTableName"],
                "RTFLOW_NOTIFY_QUEUE_URL": self.outputs["NotifyQueueUrl"],
                "RTFLOW_TRIAGE_QUEUE_URL": self.outputs["TriageQueueUrl"],
                "RTFLOW_INBOUND_QUEUE_URL": self.outputs["InboundQueueUrl"],
                "RTFLOW_WEBHOOKS_QUEUE_URL": self.outputs["WebhooksQueueUrl"],
                "RTFLOW_REPORTS_BUCKET": self.outputs["ReportsBucketName"],
                "RTFLOW_ATTACHMENTS_BUCKET": self.outputs["AttachmentsBucketName"],
                "RTFLOW_BASE_URL": os.environ.get("RTFLOW_BASE_URL", self.base_url),
            }
        )
        # A fresh secret per run is fine: the emulator's data lives only as long as the run.
        os.environ.setdefault("RTFLOW_SECRET_KEY", secrets.token_urlsafe(48))

    def issue_staff_tokens(self) -> dict[str, str]:
        """One working token per team member, so a person can try the console at once."""
        from services.adapters.bootstrap import container

        c = container()
        return {m.id: c.staff_tokens.issue(m.id, "embedded stack") for m in c.flow.team.members}

    def start_pumps(self) -> None:
        import boto3

        from services.inbound import handler as inbound
        from services.notify import handler as notify
        from services.notify import webhook_handler as webhooks
        from services.relay import handler as relay
        from services.triage import handler as triage

        streams = boto3.client("dynamodbstreams", endpoint_url=self.endpoint, region_name=REGION)
        sqs = boto3.client("sqs", endpoint_url=self.endpoint, region_name=REGION)
        self._pumps = [
            Ticker(self.run_scheduler),
            # AWS runs the reports daily and weekly; here every five minutes, so a person
            # sees current ones (the digest still goes out once per day and per week).
            Ticker(self.run_reports, every=300.0),
            StreamPump(streams, self.outputs["TicketsTableStreamArn"], relay.handler, REGION),
            QueuePump(sqs, self.outputs["TriageQueueUrl"], triage.handler, REGION, "triage"),
            QueuePump(sqs, self.outputs["NotifyQueueUrl"], notify.handler, REGION, "notify"),
            QueuePump(sqs, self.outputs["InboundQueueUrl"], inbound.handler, REGION, "inbound"),
            # The webhooks function sets its own backoff on a failed delivery: keep it. Each
            # message (an event for one subscription) on its own, as Lambda runs it.
            QueuePump(
                sqs,
                self.outputs["WebhooksQueueUrl"],
                webhooks.handler,
                REGION,
                "webhooks",
                retry_after=None,
                concurrency=WEBHOOK_CALLS,
            ),
        ]
        for pump in self._pumps:
            pump.start()

    def app(self):
        from services.adapters.bootstrap import container
        from services.intake.app import create_app

        from .mailbox import SesMailbox

        c = container()
        c.clock = self.clock  # before any adapter is built: they all read this clock
        c.flow  # noqa: B018 - load and validate the flow config now: a bad file stops the start
        app = create_app(c)
        self.info.update(
            endpoint_url=self.endpoint,
            region=REGION,
            outputs=self.outputs,
        )
        self.dev_pages = mount_dev_pages(
            app,
            self.host,
            self.base_url,
            c,
            mailbox=SesMailbox(REGION),
            info=self.info,
            clock=self.clock,
            settle=self.settle,
        )
        return app

    def start_smtp(self) -> None:
        self._smtp = start_mail_in(self.container)
        self.smtp_port = self.info["smtp_port"] = self._smtp.port

    def run_scheduler(self):
        from services.scheduler import handler as scheduler

        with self._scheduler_lock:  # the ticker and /dev/clock take turns, as one schedule
            return scheduler.handler({"source": "embedded-stack"}, None)

    def run_reports(self) -> None:
        from services.scheduler import report_handler

        for kind in ("daily", "weekly"):
            report_handler.handler({"kind": kind}, None)

    def settle(self, rounds: int = 10, timeout: float = 20.0) -> None:
        """Run what is due and wait until its consequences (queues, mails, re-planned timers)
        have happened: after the test clock moves, a person sees the result at once."""
        deadline = time.monotonic() + timeout
        for _ in range(rounds):
            self._wait_idle(deadline)
            report = self.run_scheduler()
            if not report["fired"] and not report["replanned"]:
                self._wait_idle(deadline)
                return

    def _wait_idle(self, deadline: float) -> None:
        pumps = [p for p in self._pumps if not isinstance(p, Ticker)]
        for _ in range(2):  # one pump's work feeds the next: twice round
            for pump in pumps:
                pump.idle.clear()
            for pump in pumps:
                pump.idle.wait(max(0.0, deadline - time.monotonic()))

    def start(self) -> None:
        from . import stack_env
        from .launch import data_dir

        self.start_emulator()
        self.create_resources()
        # `rtflow report` in another shell reads this stack by itself (stack_env.py).
        self._settings_file = stack_env.write(data_dir())
        app = self.app()
        self.start_pumps()
        self.start_smtp()
        self._server = web_server(app, self.host, self.port, self.container.settings)

    def serve_forever(self) -> None:
        assert self._server is not None, "start() first"
        serve_until_interrupted(self._server, self.stop)

    def stop(self) -> None:
        if self._settings_file is not None:
            from . import stack_env

            stack_env.remove(self._settings_file, self.endpoint)
            self._settings_file = None
        for pump in self._pumps:
            pump.stop()
        if self._smtp is not None:
            self._smtp.stop()
            self._smtp = None
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._emulator is not None:
            self._emulator.stop()
            self._emulator = None
