"""moto's server on loopback, in this process, answering one request at a time.

moto's backends are not thread-safe: a DynamoDB transaction copies the table while other
requests change it ("dictionary changed size during iteration"). Real AWS serves concurrent
clients; the emulator serialises them, which keeps clients concurrent and the data whole.
"""

from __future__ import annotations

import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server


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
