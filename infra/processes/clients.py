"""boto3 clients for the plain processes: the endpoint, region and credentials are the usual
AWS settings (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID ...), read by boto3 itself."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# A wrong or unreachable endpoint should say so within seconds, not after a minute of retries.
_QUICK = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})


def clients(region: str, *names: str) -> dict[str, Any]:
    session = boto3.session.Session()  # the settings as they are now, not as first read
    return {name: session.client(name, region_name=region, config=_QUICK) for name in names}
