"""`rtflow import-rt`: a Request Tracker 5 queue into the configured home, over RT's REST2
API (services/adapters/rt reads it; services/application/rt_import maps and writes it)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

# Why a ticket was not imported that needs a person's eye: the exit is then 1.
_FAILED = ("its number belongs to a ticket filed here", "gone from RT while importing")


def _listed(numbers: list[int], shown: int = 20) -> str:
    more = f" and {len(numbers) - shown} more" if len(numbers) > shown else ""
    return ", ".join(f"#{n}" for n in numbers[:shown]) + more


def _client(url: str, user: str | None, password: str | None, token: str | None):
    from services.adapters.rt import RtClient

    return RtClient(url, user=user, password=password, token=token)


@click.command("import-rt")
@click.argument("url")
@click.option("--user", help="An RT user who may see the queues (with --password).")
@click.option("--password", envvar="RT_PASSWORD", help="Its password (or $RT_PASSWORD).")
@click.option("--token", envvar="RT_TOKEN", help="An RT auth token instead (or $RT_TOKEN).")
@click.option("--queue", "queues", multiple=True, help="A queue to import (repeat; default all).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Only tickets RT changed since then (UTC).",
)
def import_rt(
    url: str,
    user: str | None,
    password: str | None,
    token: str | None,
    queues: tuple[str, ...],
    since: datetime | None,
) -> None:
    """Import the tickets of the RT 5 instance at URL (…/rt) into the configured home: RT's
    numbers kept, statuses, correspondence, comments (as internal notes), owners and links
    mapped (the flow config's `rt_import:` says how), no mail sent. Run it again to bring
    over what changed in RT since: nothing is imported twice."""
    from services.adapters.rt import RtReader, RtUnavailable
    from services.application.rt_import import RtImport
    from services.application.rt_import import import_rt as run
    from services.cli import _backend_errors, _container_for_cli, _why
    from services.cli_search import index_for_search

    container = _container_for_cli()
    when = since.replace(tzinfo=UTC) if since else None
    try:
        reader = RtReader(_client(url, user, password, token))
        listed = reader.listed(list(queues), when)
        job = RtImport(
            reader,
            container.tickets,
            container.flow,
            container.settings.secret_key,
            container.clock.now,
            container.attachments,
            container.attachment_limits,
        )
        bar = click.progressbar(length=len(listed), label="Importing from RT", file=sys.stderr)
        with bar:
            summary = run(job, listed, bar.update)
        index_for_search(container, summary.imported + summary.updated)
    except (RtUnavailable, ValueError) as e:
        raise click.ClickException(str(e)) from None
    except _backend_errors() as e:
        raise click.ClickException(
            f"import stopped: {_why(e)}; what was imported stays (run it again to finish)"
        ) from None
    click.echo(
        f"imported {len(summary.imported)} tickets and updated {len(summary.updated)}"
        f" ({summary.transactions} transactions) from {url}; {summary.unchanged} unchanged;"
        f" RT was asked {reader.client.requests} times"
    )
    for why, numbers in summary.skipped.items():
        click.echo(f"skipped {len(numbers)}, {why}: {_listed(numbers)}")
    if summary.files or summary.files_not_kept:
        click.echo(f"kept {summary.files} files; not kept: {len(summary.files_not_kept)}")
    for line in summary.files_not_kept:
        click.echo(f"  {line}")
    if summary.unmapped_owners:
        owners = ", ".join(sorted(summary.unmapped_owners))
        click.echo(f"owners not on the team (their tickets wait in triage): {owners}")
    if any(why in _FAILED for why in summary.skipped):
        sys.exit(1)
