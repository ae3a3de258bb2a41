"""`rtflow run` takes its port from $PORT when --port is not given."""

from __future__ import annotations

import pytest
import requests

from .stack_process import clean_env, free_port, start_stack

pytestmark = pytest.mark.e2e


def test_rtflow_run_listens_on_the_port_in_the_PORT_variable():
    port = free_port()

    running = start_stack([], port, clean_env(PORT=str(port)))
    try:
        r = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert r.status_code == 200
        assert r.json() == {"status": "ok"}
        # The links it prints and puts in mails use that port too.
        assert f"http://127.0.0.1:{port}/tickets/new" in running.output()
    finally:
        running.stop()
    assert running.process.returncode is not None
