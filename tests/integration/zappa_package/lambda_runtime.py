"""Loads a function's code the way the Lambda Python runtime does, in a fresh interpreter
started with `python -I -S` (no site-packages, no PYTHON* variables): the unzipped package
first on sys.path (/var/task), then the layer (/opt/python), the package as the working
directory; imports the handler module named by `module.function` and calls it once for each
event read from stdin (a JSON list). Writes a JSON object to OUT (stdout is the function's
log): the answers, and where the `services` package was imported from.

    python -I -S lambda_runtime.py TASK_DIR LAYER_DIR handler.lambda_handler OUT < events.json
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import uuid


class Context:
    """The attributes of Lambda's context object that handlers read."""

    function_name = "rtflow-web-dev"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:rtflow-web-dev"
    memory_limit_in_mb = 512
    log_group_name = "/aws/lambda/rtflow-web-dev"
    log_stream_name = "test"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def main() -> None:
    task, layer, handler_name, out = sys.argv[1:5]
    sys.path[:0] = [task, layer]
    os.chdir(task)
    module_name, function_name = handler_name.rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), function_name)
    events = json.load(sys.stdin)
    answers = [handler(event, Context()) for event in events]
    services = importlib.import_module("services")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"answers": answers, "services_from": services.__path__[0]}, f)


if __name__ == "__main__":
    main()
