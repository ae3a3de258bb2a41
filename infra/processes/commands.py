"""`rtflow resources create` and `rtflow serve web|workers|scheduler`: RT Flow's AWS backend as
plain processes against any AWS-compatible endpoint. Each process can be stopped (Ctrl-C,
SIGTERM, or killed outright) and started again without losing or doubling work: the relay
keeps its place, the queues keep what was not finished, every consumer is idempotent."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from typing import Any

import click

from .faults import Unusable, in_words

log = logging.getLogger("rtflow.processes")


def _settings() -> Any:
    from pydantic import ValidationError

    from services.adapters.settings import Settings

    try:
        return Settings()
    except ValidationError as e:
        first = e.errors()[0]
        name = f"RTFLOW_{str(first['loc'][0]).upper()}" if first["loc"] else "settings"
        raise click.ClickException(f"{name}: {first['msg']}") from None


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)


@click.group()
def resources() -> None:
    """The table, queues and buckets at the AWS endpoint (AWS_ENDPOINT_URL, or AWS itself)."""


@resources.command("create")
@click.option(
    "--stage",
    default=lambda: os.environ.get("RTFLOW_STAGE", "dev"),
    show_default="dev, or $RTFLOW_STAGE",
    help="Names the resources rtflow-STAGE-…, as serverless.yml's stages do.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the settings to FILE (readable by its owner only) instead of printing them;"
    " a secret key FILE already holds is kept.",
)
def resources_create(stage: str, out: Path | None) -> None:
    """Make the resources of infra/resources (or find them there: safe to run again) and print
    the settings the other commands read, as KEY=VALUE lines for an env file:

        rtflow resources create --out rtflow.env
    """
    from .clients import clients
    from .resources import create

    if out is not None and out.exists():
        _keep_secret_of(out)
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    try:
        with in_words("making the resources"):
            made = create(clients(region, "dynamodb", "sqs", "s3", "sts"), stage, region)
    except Unusable as e:
        raise click.ClickException(str(e)) from None
    lines = "".join(f"{key}={value}\n" for key, value in made.settings.items())
    if out is None:
        click.echo(lines, nl=False)
    else:
        _write_private(out, lines)
        click.echo(f"wrote {len(made.settings)} settings to {out}", err=True)
    if made.differences:
        for line in made.differences:
            click.echo(f"differs: {line}", err=True)
        raise click.ClickException(
            f"{len(made.differences)} resource(s) exist but differ from infra/resources"
            " (above); change or remove them, then run this again"
        )


def _keep_secret_of(path: Path) -> None:
    from dotenv import dotenv_values

    kept = dotenv_values(path).get("RTFLOW_SECRET_KEY")
    if kept:
        os.environ.setdefault("RTFLOW_SECRET_KEY", kept)


def _write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, owner-only from the start (it holds the secret key)."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    partial.replace(path)


@click.group()
def serve() -> None:
    """Run one part of RT Flow's AWS backend as a plain process (see the README)."""


def _container(process: str) -> Any:
    """The composition root for `process`, after checking the settings and the resources."""
    from services.adapters.bootstrap import build
    from services.domain.errors import ConfigError

    from .clients import clients
    from .preflight import check_backend, queue_arns, table_stream

    settings = _settings()
    try:
        check_backend(settings)
        aws = clients(settings.aws_region, "dynamodb", "sqs")
        table_stream(aws["dynamodb"], settings.table_name)
        queue_arns(aws["sqs"], settings, process)
        container = build(settings)
        container.flow  # noqa: B018 - a bad flow config stops the start, in its own words
    except (Unusable, ConfigError) as e:
        raise click.ClickException(str(e)) from None
    return container


def _until_stopped(parts: list[Any]) -> None:
    """Run the threads in `parts` until Ctrl-C or SIGTERM, then stop them."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    for part in parts:
        part.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for part in parts:
            part.stop()
        for part in parts:
            part.join(timeout=15)


@serve.command("web")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="$HOST")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "8000")))
def serve_web(host: str, port: int) -> None:
    """The web app (pages, console, API, hooks in) with the production WSGI server."""
    from infra.local.serving import serve_until_interrupted, web_server
    from services.intake.app import create_app

    _logging()
    container = _container("web")
    try:
        server = web_server(create_app(container), host, port, container.settings)
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror}") from None
    click.echo(f"RT Flow web app on http://{host}:{port} ({container.settings.table_name})")
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    serve_until_interrupted(server, server.close)


@serve.command("workers")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("RTFLOW_DATA_DIR", ".rtflow"),
    show_default="$RTFLOW_DATA_DIR or .rtflow",
    help="Where the relay keeps its place in the table's stream.",
)
@click.option(
    "--poll-seconds",
    type=click.IntRange(0, 20),
    default=10,
    show_default=True,
    help="How long one SQS receive waits for a message (long polling; 0 for an endpoint that"
    " serves one request at a time, such as python -m infra.local.emulator).",
)
def serve_workers(state_dir: Path, poll_seconds: int) -> None:
    """The relay (the table's stream → the queues) and every queue's consumer: triage, notify
    (mail out by SES or SMTP, RTFLOW_MAIL_TRANSPORT), inbound, webhooks out."""
    from .workers import workers

    _logging()
    container = _container("workers")
    try:
        with in_words("starting the workers"):
            parts = workers(container.settings, state_dir, poll_seconds)
    except Unusable as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"RT Flow workers: {', '.join(p.name for p in parts)}")
    _until_stopped(parts)


@serve.command("scheduler")
@click.option(
    "--every",
    type=click.FloatRange(1, 3600),
    default=60.0,
    show_default=True,
    help="Seconds between runs of the minute job (and checks for the reports' times).",
)
def serve_scheduler(every: float) -> None:
    """The minute job (due timers: nudges, wake-ups, SLA warnings) and the daily and weekly
    reports at 05:00 UTC."""
    from .schedule import tickers

    _logging()
    _container("scheduler")
    click.echo(f"RT Flow scheduler: the minute job every {every:g} s; reports at 05:00 UTC")
    _until_stopped(tickers(every))
