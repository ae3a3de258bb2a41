"""The embedded AWS stack's settings in a file, so that `rtflow report` (or any `rtflow
--env-file`) reads the running stack without five hand-set variables.

`rtflow run` on the AWS home writes `<data dir>/aws-stack.env` (KEY=VALUE lines, 0600, as
`rtflow resources create` prints) once its resources exist, and removes it when it stops. A
file left by a stack that was killed names an endpoint nobody answers on: it is not used.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

FILE_NAME = "aws-stack.env"
# What a command needs to reach the stack: its endpoint and credentials, its resources, and
# the secret its status links and tokens are signed with.
KEYS = (
    "RTFLOW_BACKEND",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE",
    "RTFLOW_TABLE_NAME",
    "RTFLOW_NOTIFY_QUEUE_URL",
    "RTFLOW_TRIAGE_QUEUE_URL",
    "RTFLOW_INBOUND_QUEUE_URL",
    "RTFLOW_WEBHOOKS_QUEUE_URL",
    "RTFLOW_REPORTS_BUCKET",
    "RTFLOW_ATTACHMENTS_BUCKET",
    "RTFLOW_BASE_URL",
    "RTFLOW_SECRET_KEY",
)


def write(data_dir: Path, environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """The stack's settings from `environ` into the data directory; the path written."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / FILE_NAME
    lines = "".join(f"{k}={environ[k]}\n" for k in KEYS if environ.get(k))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(lines)
    return path


def remove(path: Path, endpoint: str) -> None:
    """Remove the file if it still names this stack: another stack on the same data
    directory may have written its own since."""
    try:
        if read(path).get("AWS_ENDPOINT_URL") == endpoint:
            path.unlink()
    except OSError:
        pass


def read(path: Path) -> dict[str, str]:
    pairs = (line.partition("=") for line in path.read_text(encoding="utf-8").splitlines())
    return {k.strip(): v.strip() for k, sep, v in pairs if sep and k.strip()}


def running(data_dir: Path) -> tuple[Path, str] | None:
    """The settings file of a stack that answers on its endpoint, with that endpoint."""
    path = data_dir / FILE_NAME
    try:
        endpoint = read(path).get("AWS_ENDPOINT_URL", "")
    except OSError:
        return None
    url = urlsplit(endpoint)
    if not (url.hostname and url.port):
        return None
    try:
        with socket.create_connection((url.hostname, url.port), timeout=1.0):
            return path, endpoint
    except OSError:
        return None
