"""`rtflow reindex`: what the views and the search read of the tickets stored before a release
that changed it (or a repair): the tickets' index keys, then the search's index.

The tickets' index keys (the DynamoDB items' GSI keys, the SQLite rows' indexed columns) are
written from the ticket with each change; a release that changes how leaves the tickets
stored before with their old keys until their next change, and the views that read the new
keys miss them (the public queue, most of all: DESIGN.md, "The AWS path at the floor"). Only
the keys that differ are written, the ticket, its version and its history left alone.

On the SQLite home the search's index is written in each change's own transaction, and the
migration that brought it in filled it for the tickets already stored: this finds nothing to
do unless something went wrong. On DynamoDB the relay keeps the term index from the events:
run this once after upgrading a deployment that holds tickets, and after `rtflow import`
(imported history is relayed to no one, so the relay never indexes it). Safe to run again,
and beside a running home: only what differs is written.
"""

from __future__ import annotations

import click

# Tickets per call of SearchIndex.reindex: the progress bar moves a chunk at a time.
_CHUNK = 100


@click.command("reindex")
@click.argument("numbers", nargs=-1, type=click.IntRange(min=1))
def reindex(numbers: tuple[int, ...]) -> None:
    """Bring the tickets' index keys and the search's index up to date with every ticket
    (or the tickets NUMBERS) and its history."""
    from services import cli

    container = cli._container_for_cli()
    try:
        wanted = list(numbers) or container.tickets.numbers()
        changed = renewed = 0
        with cli._bar(len(wanted), "Indexing") as bar:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                renewed += container.tickets.renew_index_keys(chunk)
                changed += container.search.reindex(chunk)
                bar.update(len(chunk))
    except cli._backend_errors() as e:
        raise click.ClickException(
            f"reindex stopped: {cli._why(e)}; run it again to finish"
        ) from None
    click.echo(
        f"indexed {len(wanted)} tickets: {changed} brought up to date, the rest already were"
    )
    click.echo(f"index keys rewritten for {renewed} tickets, the rest had them already")


def index_for_search(container, numbers: list[int]) -> None:
    """The search's entries of tickets just imported: imported history reaches no consumer,
    so the DynamoDB home's term index (kept by the relay) would not hear of them otherwise."""
    from services import cli

    with cli._bar(len(numbers), "Indexing for search") as bar:
        for start in range(0, len(numbers), _CHUNK):
            chunk = numbers[start : start + _CHUNK]
            container.search.reindex(chunk)
            bar.update(len(chunk))
