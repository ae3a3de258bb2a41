"""`rtflow`: the operators' command line, and the way to start the embedded stack."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from infra.processes.commands import resources, serve
from services.cli_rt import import_rt
from services.cli_search import index_for_search, reindex


@click.group()
@click.option(
    "--env-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="RTFLOW_ENV_FILE",
    help="Read settings from FILE (KEY=VALUE lines, as `rtflow resources create` prints);"
    " what the environment sets wins.",
)
def main(env_file: Path | None) -> None:
    """RT Flow: an operations team's request queue."""
    if env_file:
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)


@main.command()
@click.option(
    "--host",
    default=lambda: os.environ.get("HOST", "127.0.0.1"),
    show_default="127.0.0.1, or $HOST",
    help="Address the web app listens on; the /dev pages are on only on loopback.",
)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("PORT", "8000")),
    show_default="8000, or $PORT",
    help="Port of the web app.",
)
@click.option("--flow-config", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def run(host: str, port: int, flow_config: Path | None) -> None:
    """Run the whole product on this machine: web app, relay, notify, mail in. Where it keeps
    tickets is RTFLOW_BACKEND's choice: sqlite (a data directory, RTFLOW_DATA_DIR) or aws
    (an AWS emulator in this process, kept only while it runs)."""
    from infra.local.launch import DataDirUnusable, banner, make_stack

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # The emulator's server (werkzeug) and aiosmtpd log every request and connection.
    for chatty in ("werkzeug", "mail.log"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if flow_config:
        os.environ["RTFLOW_FLOW_CONFIG"] = str(flow_config.resolve())
    try:
        stack = make_stack(port=port, host=host)
    except (ValueError, DataDirUnusable) as e:
        raise click.ClickException(str(e)) from None
    _start(stack, host, port)
    click.echo(banner(stack, hook_lines(stack.container)))
    sys.stdout.flush()
    # A test or a process manager stops the stack with SIGTERM: shut down as on Ctrl-C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stack.serve_forever()


def _start(stack, host: str, port: int) -> None:
    """Start `stack`, or stop what it started and say in one line what was wrong."""
    from pydantic import ValidationError

    from infra.local.web_server import url_host
    from services.domain.errors import ConfigError

    try:
        stack.start()
    except ConfigError as e:
        stack.stop()
        raise click.ClickException(str(e)) from None
    except ValidationError as e:
        stack.stop()
        raise click.ClickException(
            f"settings: {e.errors()[0]['loc'][0]}: {e.errors()[0]['msg']}"
        ) from None
    except OSError as e:
        stack.stop()
        raise click.ClickException(
            f"cannot listen on {url_host(host)}:{port}: {e.strerror}"
        ) from None


@main.group()
def token() -> None:
    """Staff API tokens (stored hashed in the table named by RTFLOW_TABLE_NAME)."""


def _container_for_cli():
    from pydantic import ValidationError

    from services.adapters.bootstrap import build
    from services.adapters.settings import Settings
    from services.domain.errors import ConfigError

    try:
        container = build(Settings())
        container.flow  # noqa: B018 - fail here, with the config's own message
    except ValidationError as e:
        raise click.ClickException(
            f"settings: {e.errors()[0]['loc'][0]}: {e.errors()[0]['msg']}"
        ) from None
    except ConfigError as e:
        raise click.ClickException(str(e)) from None
    return container


@token.command("issue")
@click.argument("member")
@click.option("--label", default="", help="What the token is for (shown nowhere secret).")
def token_issue(member: str, label: str) -> None:
    """Issue a token for MEMBER (an id from the flow config) and print it once."""
    container = _container_for_cli()
    if container.flow.member(member) is None:
        known = ", ".join(m.id for m in container.flow.team.members)
        raise click.ClickException(f"no team member {member!r} in the flow config; known: {known}")
    click.echo(container.staff_tokens.issue(member, label))


@token.command("revoke")
@click.argument("member")
def token_revoke(member: str) -> None:
    """Revoke every token of MEMBER (their console sessions end too)."""
    count = _container_for_cli().staff_tokens.revoke_all(member)
    click.echo(f"revoked {count} token(s) of {member}")


def hook_lines(container) -> list[str]:
    """Each configured hook source: where the tool posts, how it authenticates, the secret."""
    from services.domain.integrations import HOOK_AUTH

    base = container.settings.base_url.rstrip("/")
    lines = []
    for name in container.flow.hooks:
        secret = container.hook_secret(name)
        env = container.flow.hooks[name].secret_env
        shown = secret or f"(unset: export {env})"
        lines.append(f"  {name:<13}{base}/hooks/{name}\n{'':<15}{HOOK_AUTH[name]}: {shown}")
    return lines


@main.command("hooks")
def hooks() -> None:
    """Print each webhook source of the flow config: its URL, how it signs, and its secret."""
    container = _container_for_cli()
    lines = hook_lines(container)
    if not lines:
        raise click.ClickException("no hook sources in the flow config (see `hooks:`)")
    click.echo("\n".join(lines))


@main.command("check-config")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_config(path: Path) -> None:
    """Validate a flow config file and summarise it."""
    from services.adapters.flow_file import load_flow
    from services.domain.errors import ConfigError

    try:
        flow = load_flow(path)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        f"{path}: ok: team {flow.team.name} ({len(flow.team.members)} members), "
        f"{len(flow.ticket_types)} ticket types: {', '.join(t.name for t in flow.ticket_types)}"
    )


@main.command("report")
@click.option(
    "--kind",
    type=click.Choice(["daily", "weekly"]),
    default="daily",
    show_default=True,
    help="Which report: its period and its default window.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=None,
    help="Days of events to read, today included (default: 28 daily, 56 weekly).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "csv", "json"]),
    default="html",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to FILE (default: standard output).",
)
def report(kind: str, days: int | None, fmt: str, out: Path | None) -> None:
    """Make a report now, from the open tickets and the events of the window (nothing is
    stored or mailed): of the home the settings choose, else of the embedded AWS stack that
    runs here (`make run-aws`), else of the SQLite home in the data directory."""
    from pynamodb.exceptions import PynamoDBException

    from services.application.reports import generate, render, steps
    from services.cli_homes import check_readable, reading_home, with_advice
    from services.domain.reports import DEFAULT_DAYS

    note = reading_home()
    if note:
        click.echo(note, err=True)
    try:
        container = _container_for_cli()
    except click.ClickException as e:
        raise with_advice(e) from None
    check_readable(container.settings)
    days = days or DEFAULT_DAYS[kind]
    deps = container.report_deps
    # The bar goes to stderr: stdout may be the report itself.
    bar = click.progressbar(length=steps(days), label="Reading tickets and events", file=sys.stderr)
    try:
        with bar:
            made = generate(deps, kind, days=days, progress=bar.update)
    except PynamoDBException as e:
        raise click.ClickException(f"reading the table failed: {e.msg}") from None
    text = render(made, fmt, container.settings.base_url)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote the {kind} report {made.period} ({fmt}) to {out}", err=True)


# -- moving house: rtflow export / rtflow import (services/application/moving.py) ------------


def _backend_errors() -> tuple[type[Exception], ...]:
    """What the table or the database raise when they cannot be reached or refuse."""
    import sqlite3

    from botocore.exceptions import BotoCoreError
    from pynamodb.exceptions import PynamoDBException

    from services.adapters.sqlite import SchemaTooNew

    return (PynamoDBException, BotoCoreError, sqlite3.Error, SchemaTooNew, OSError)


def _why(e: Exception) -> str:
    said = getattr(e, "msg", None) or str(e) or type(e).__name__
    cause = str(getattr(e, "cause", None) or "")
    return f"{said}: {cause}" if cause and cause not in said else said


def _bar(length: int, label: str):
    # On stderr: stdout carries the summary alone.
    return click.progressbar(length=length, label=label, file=sys.stderr)


def _lines(path: Path, progress=lambda _: None):
    """The file's lines as text, counting bytes into `progress`; a line that is not UTF-8 is
    named as a malformed export's."""
    from services.application.moving import MalformedExport

    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            progress(len(raw))
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedExport(number, "not UTF-8 text") from None


def _listed(numbers: list[int], shown: int = 20) -> str:
    more = f" and {len(numbers) - shown} more" if len(numbers) > shown else ""
    return ", ".join(f"#{n}" for n in numbers[:shown]) + more


def files_beside(path: Path) -> Path:
    """Where an export's files are: `<file>.files/`, one file per SHA-256."""
    return path.with_name(path.name + ".files")


def _file_mover(source: Any, target: Any):
    """Files from one store to another (services/application/moving.py); None without both."""
    from services.application.moving import FileMover

    return FileMover(source, target) if source is not None and target is not None else None


def _say_missing(files: Any, where: str) -> None:
    if files is not None and files.missing:
        shown = ", ".join(files.missing[:20]) + (" …" if len(files.missing) > 20 else "")
        click.echo(f"{len(files.missing)} files were not {where} (their tickets moved): {shown}")


@main.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The JSON Lines file to write; replaced only once the export is whole.",
)
def export(out: Path) -> None:
    """Write every ticket with its whole history to a file (JSON Lines), from the configured
    backend: a backup, or the first half of a move (`rtflow import`)."""
    from services.adapters.attachment_store import FileAttachmentStore
    from services.application.moving import export_tickets

    container = _container_for_cli()
    partial = out.with_name(out.name + ".partial")
    files = _file_mover(container.attachments, FileAttachmentStore(files_beside(out)))
    try:
        tickets = container.tickets
        numbers = tickets.numbers()
        with partial.open("w", encoding="utf-8") as f, _bar(len(numbers), "Exporting") as bar:
            summary = export_tickets(tickets, numbers, f.write, bar.update, files)
        partial.replace(out)
    except _backend_errors() as e:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"export failed, {out} not written: {_why(e)}") from None
    click.echo(f"exported {summary.tickets} tickets ({summary.events} events) to {out}")
    if files is not None and files.copied:
        click.echo(f"copied their {len(files.copied)} files to {files_beside(out)}/")
    _say_missing(files, "in the store")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(file: Path) -> None:
    """Read every ticket of FILE (from `rtflow export`) into the configured backend: numbers
    kept, the counter above the highest, no mail sent. A ticket already there is skipped, so
    importing a file again changes nothing."""
    from services.adapters.attachment_store import FileAttachmentStore
    from services.application.moving import NUMBER_TAKEN, MalformedExport, import_tickets, survey

    container = _container_for_cli()
    try:
        with _bar(file.stat().st_size, f"Checking {file.name}") as bar:
            checked = survey(_lines(file, bar.update))
    except MalformedExport as e:
        raise click.ClickException(f"{file}: {e}; nothing was imported") from None
    beside = files_beside(file)
    if checked.files and not beside.is_dir():
        raise click.ClickException(
            f"{file}: its tickets name {checked.files} files, kept beside it in {beside}/ by"
            " `rtflow export`; copy that directory next to it; nothing was imported"
        )
    files = _file_mover(FileAttachmentStore(beside), container.attachments)
    stopping: tuple[type[Exception], ...] = (*_backend_errors(), MalformedExport)
    try:
        tickets = container.tickets
        with _bar(checked.tickets, "Importing") as bar:
            summary = import_tickets(tickets, _lines(file), checked, bar.update, files)
        index_for_search(container, summary.numbers)
    except stopping as e:
        raise click.ClickException(
            f"import stopped: {_why(e)}; the tickets imported so far stay (import the file"
            " again to finish: they are skipped)"
        ) from None
    click.echo(
        f"imported {summary.imported} tickets ({summary.events} events) from {file};"
        f" new tickets are numbered from #{checked.highest + 1} or above"
    )
    for why, numbers in summary.skipped.items():
        click.echo(f"skipped {len(numbers)}, {why}: {_listed(numbers)}")
    if files is not None and files.copied:
        click.echo(f"copied {len(files.copied)} files from {beside}/")
    _say_missing(files, f"in {beside}/ or not whole")
    if NUMBER_TAKEN in summary.skipped:
        raise click.ClickException(
            f"{len(summary.skipped[NUMBER_TAKEN])} tickets were not imported: their numbers"
            " belong to other tickets here (import into a fresh home)"
        )


main.add_command(resources)
main.add_command(serve)
main.add_command(import_rt)
main.add_command(reindex)

if __name__ == "__main__":
    main()
