"""moto's server on loopback, in this process, answering one request at a time.

Two things moto gets wrong for this product are mended here:
- Its backends are not thread-safe: a DynamoDB transaction copies the table while other
  requests change it ("dictionary changed size during iteration"). Real AWS serves concurrent
  clients; the emulator serialises them, which keeps clients concurrent and the data whole.
- A cancelled transaction restores a deep copy of the table, stream shard included: readers of
  the stream keep the old shard, which holds records of the rolled-back writes and never sees
  another record. DynamoDB streams only committed writes, so the rollback keeps the shard and
  drops the records the cancelled transaction added to it.
"""

from __future__ import annotations

import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def _stream_safe_transactions() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "keeps_stream_shards", False):
        return

    def transact_write_items(self, transact_items):
        shards = {
            name: (table.stream_shard, len(table.stream_shard.items))
            for name, table in self.tables.items()
            if table.stream_shard is not None
        }
        try:
            return original(self, transact_items)
        except Exception:
            for name, (shard, committed) in shards.items():
                table = self.tables.get(name)
                if table is not None and table.stream_shard is not shard:
                    del shard.items[committed:]
                    shard.table = table
                    table.stream_shard = shard
            raise

    transact_write_items.keeps_stream_shards = True
    DynamoDBBackend.transact_write_items = transact_write_items


class _OneAtATime:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # Drain the response inside the lock: the body may read backend state lazily.
            return list(self.app(environ, start_response))


class Emulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        _stream_safe_transactions()
        app = _OneAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            host, port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="aws-emulator", daemon=True
        )

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        self._thread.start()
        return self.endpoint

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
