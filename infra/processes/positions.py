"""The relay's place in the table's stream, kept in a file between runs: a restarted relay goes
on after the last record it handed on (it neither skips records nor reads the whole stream
again). The file is replaced atomically after each batch; if it is lost, the relay starts from
the oldest record the stream still keeps (24 hours on AWS), which the consumers, all
idempotent, take without doubling anything."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from infra.local.pumps import Positions

log = logging.getLogger("rtflow.processes")


class FilePositions(Positions):
    def __init__(self, path: Path, stream_arn: str):
        super().__init__()
        self.path, self.stream_arn = path, stream_arn
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        if kept.get("stream") != stream_arn:
            # Another stream (the table was made again): its positions mean nothing here.
            log.warning("%s is for another stream: reading this one from its start", path)
            return
        self.sequences = dict(kept.get("sequences", {}))
        self.finished = set(kept.get("finished", []))

    def save(self, shard_id: str, sequence: str) -> None:
        super().save(shard_id, sequence)
        self._write()

    def finish(self, shard_id: str) -> None:
        super().finish(shard_id)
        self._write()

    def _write(self) -> None:
        kept = {
            "stream": self.stream_arn,
            "sequences": self.sequences,
            "finished": sorted(self.finished),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name + ".")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(kept, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(name, self.path)
