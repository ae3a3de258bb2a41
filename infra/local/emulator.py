"""moto's server on loopback, in this process, answering one request at a time.

Two things moto gets wrong for this product are mended here:
- Its backends are not thread-safe: a DynamoDB transaction copies the table while other
  requests change it ("dictionary changed size during iteration"). Real AWS serves concurrent
  clients; the emulator serialises them, which keeps clients concurrent and the data whole.
- A transaction deep-copies the whole table (stream included) for each of its items, and a
  cancelled one restores that copy, stream shard included: readers of the stream keep the
  old shard, which holds records of the rolled-back writes and never sees another record.
  Here a transaction backs up only the partitions it touches, and a rollback restores them
  and drops the stream records it added (DynamoDB streams only committed writes).
"""

from __future__ import annotations

import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


def _scoped_transactions() -> None:
    """moto backs up a whole table (with its stream) by deep copy once for each item of a
    TransactWriteItems, so a transaction costs O(items x table) and the embedded stack slows
    down as tickets pile up. This backs up only the partitions the transaction touches and,
    when it is cancelled, restores them and drops the stream records it added: the same
    all-or-nothing result, the shard readers hold is kept, at the cost of what is touched."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "scoped", False):
        return

    def transact_write_items(self, transact_items):
        saved, shards = _backup(self, transact_items)
        # moto's own whole-table backup becomes a no-op; requests are serialised (below), so
        # nothing else deep-copies a table meanwhile.
        Table.__deepcopy__ = lambda table, memo: table  # type: ignore[attr-defined]  # patching moto
        try:
            return original(self, transact_items)
        except Exception:
            _restore(saved, shards)
            raise
        finally:
            del Table.__deepcopy__  # type: ignore[attr-defined]

    transact_write_items.scoped = True  # type: ignore[attr-defined]  # marks the patch as done
    transact_write_items.__wrapped__ = original  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _backup(backend, transact_items) -> tuple[dict, dict]:
    """The partitions a transaction touches, and the length of each table's stream."""
    import copy

    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: dict = {}
    shards: dict = {}
    for entry in transact_items:
        op = next(iter(entry.values()))
        table = backend.tables.get(op.get("TableName"))
        attrs = op.get("Key") or op.get("Item") or {}
        if table is None or table.hash_key_attr not in attrs:
            continue  # moto raises the validation error itself
        key = DynamoType(attrs[table.hash_key_attr])
        if (table.name, key) not in saved:
            saved[table.name, key] = (table, key, copy.deepcopy(table.items.get(key)))
        if table.stream_shard is not None and table.name not in shards:
            shards[table.name] = (table.stream_shard, len(table.stream_shard.items))
    return saved, shards


def _restore(saved: dict, shards: dict) -> None:
    for table, key, part in saved.values():
        if part is None:
            table.items.pop(key, None)
        else:
            table.items[key] = part
    for shard, committed in shards.values():
        del shard.items[committed:]


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
        _scoped_transactions()
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
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        self._thread.start()
        return self.endpoint

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def main(argv: list[str] | None = None) -> None:
    """moto's server with the two mends above, as a process of its own, for the plain
    processes of infra/processes on one machine (stock `moto_server` serves concurrent
    transactions unsafely: a cancelled one can strand every stream reader):

        python -m infra.local.emulator --port 5000
    """
    import argparse
    import contextlib
    import signal

    parser = argparse.ArgumentParser(
        prog="python -m infra.local.emulator", description=main.__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    emulator = Emulator(args.host, args.port)
    print(f"AWS emulator on {emulator.start()}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    emulator.stop()


if __name__ == "__main__":
    main()
