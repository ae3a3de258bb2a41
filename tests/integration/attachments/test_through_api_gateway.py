"""Files through the web function as API Gateway's HTTP API hands it requests (payload 2.0):
a multipart upload arrives base64-encoded, the download leaves base64-encoded with its
headers, the bytes in the attachments bucket (moto), as serverless.yml deploys it."""

from __future__ import annotations

import base64
import json

import pytest
from urllib3 import encode_multipart_formdata

from services.adapters import bootstrap
from services.intake import handler as web
from tests.conftest import valid_ticket

pytestmark = pytest.mark.shared_stack


@pytest.fixture
def function(aws, monkeypatch):
    """The web function's handler over the session's stack, built afresh from the settings."""
    for name, value in {
        "RTFLOW_BACKEND": "aws",
        "RTFLOW_TABLE_NAME": aws["TicketsTableName"],
        "RTFLOW_ATTACHMENTS_BUCKET": aws["AttachmentsBucketName"],
        "RTFLOW_ATTACHMENT_MAX_BYTES": "4194304",  # as serverless.yml sets it
        "RTFLOW_SECRET_KEY": "test-secret-" * 4,
        "RTFLOW_BASE_URL": "https://tickets.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    bootstrap.container.cache_clear()
    monkeypatch.setattr(web, "_handler", None)
    yield web.handler
    bootstrap.container.cache_clear()


def event(method: str, path: str, *, query="", body=b"", content_type="", binary=False):
    headers = {"host": "tickets.example.org", "x-forwarded-proto": "https"}
    if content_type:
        headers["content-type"] = content_type
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
            },
            "stage": "$default",
        },
        "body": base64.b64encode(body).decode() if binary else body.decode(),
        "isBase64Encoded": binary,
    }


def test_a_file_goes_up_and_comes_down_base64_encoded(function):
    filed = function(
        event(
            "POST",
            "/api/v1/tickets",
            body=json.dumps(valid_ticket()).encode(),
            content_type="application/json",
        ),
        None,
    )
    assert filed["statusCode"] == 201, filed["body"]
    created = json.loads(filed["body"])
    number, token = created["id"], created["status_url"].split("token=")[1]

    content = bytes(range(256)) * 4096  # 1 MiB of every byte value
    body, content_type = encode_multipart_formdata({"file": ("dump.bin", content)})
    uploaded = function(
        event(
            "POST",
            f"/api/v1/tickets/{number}/attachments",
            query=f"token={token}",
            body=body,
            content_type=content_type,
            binary=True,
        ),
        None,
    )
    assert uploaded["statusCode"] == 201, uploaded["body"]
    [added] = json.loads(uploaded["body"])["attachments"]
    assert added["url"].startswith(f"https://tickets.example.org/api/v1/tickets/{number}/")

    path = added["url"].removeprefix("https://tickets.example.org").split("?")[0]
    download = function(event("GET", path, query=f"token={token}"), None)
    assert download["statusCode"] == 200
    assert download["isBase64Encoded"] is True
    assert base64.b64decode(download["body"]) == content
    headers = {k.lower(): v for k, v in download["headers"].items()}
    assert headers["content-disposition"].startswith("attachment; filename=dump.bin")
    assert headers["x-content-type-options"] == "nosniff"
