"""`rtflow reindex`: the search's index of the tickets stored before it (or a repair).

On the SQLite home the index is written in each change's own transaction, and the migration
that brought it in filled it for the tickets already stored: this finds nothing to do unless
something went wrong. On DynamoDB the relay keeps the term index from the events: run this
once after upgrading a deployment that holds tickets, and after `rtflow import` (imported
history is relayed to no one, so the relay never indexes it). Safe to run again, and beside a
running home: only the postings that differ are written.
"""

from __future__ import annotations

import click

# Tickets per call of SearchIndex.reindex: the progress bar moves a chunk at a time.
_CHUNK = 100


@click.command("reindex")
@click.argument("numbers", nargs=-1, type=click.IntRange(min=1))
def reindex(numbers: tuple[int, ...]) -> None:
    """Bring the search's index up to date with every ticket (or the tickets NUMBERS) and
    its history."""
    from services import cli

    container = cli._container_for_cli()
    try:
        wanted = list(numbers) or container.tickets.numbers()
        changed = 0
        with cli._bar(len(wanted), "Indexing") as bar:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                changed += container.search.reindex(chunk)
                bar.update(len(chunk))
    except cli._backend_errors() as e:
        raise click.ClickException(
            f"reindex stopped: {cli._why(e)}; run it again to finish"
        ) from None
    click.echo(
        f"indexed {len(wanted)} tickets: {changed} brought up to date, the rest already were"
    )


def index_for_search(container, numbers: list[int]) -> None:
    """The search's entries of tickets just imported: imported history reaches no consumer,
    so the DynamoDB home's term index (kept by the relay) would not hear of them otherwise."""
    from services import cli

    with cli._bar(len(numbers), "Indexing for search") as bar:
        for start in range(0, len(numbers), _CHUNK):
            chunk = numbers[start : start + _CHUNK]
            container.search.reindex(chunk)
            bar.update(len(chunk))
