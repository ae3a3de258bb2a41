"""RT's attachments kept as files here: the bytes in the home's attachment store, their refs
on the event of the transaction that brought them, within the home's limits. A file that is
not kept is named, with why, in the import's summary."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from services.domain.attachments import (
    AttachmentRef,
    AttachmentStore,
    Limits,
    attachments,
    new_ref,
    size_words,
)
from services.domain.events import Event

from .records import RtRecord, RtSource


@dataclass
class KeptFiles:
    refs: dict[str, list[AttachmentRef]] = field(default_factory=dict)  # by transaction id
    not_kept: list[str] = field(default_factory=list)


def keep_files(
    source: RtSource,
    store: AttachmentStore | None,
    limits: Limits,
    record: RtRecord,
    had: Sequence[Event],
    imported: Collection[str],
) -> KeptFiles:
    """The files of the transactions not imported before (`imported`: their ids)."""
    kept = KeptFiles()
    room = limits.per_ticket - len(attachments(had))
    for txn, files in record.files.items():
        if txn in imported:
            continue
        for f in files:
            why = _refused(store, room)
            body = b"" if why else source.content(f.attachment)
            if not why and len(body) > limits.max_bytes:
                why = f"{size_words(len(body))}, over the limit of {size_words(limits.max_bytes)}"
            if why or store is None:
                kept.not_kept.append(f"#{record.number} {f.name}: {why}")
                continue
            if body:
                ref = new_ref(f.name, f.content_type, len(body), store.put(body))
                kept.refs.setdefault(txn, []).append(ref)
                room -= 1
    return kept


def _refused(store: AttachmentStore | None, room: int) -> str:
    if store is None:
        return "this home keeps no attachments (RTFLOW_ATTACHMENTS_BUCKET is unset)"
    return "" if room > 0 else "the ticket holds as many files as a ticket may"
