"""What goes wrong between a process and its AWS endpoint, in one line a person can act on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

_REFUSED = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "AccessDenied",
    "AccessDeniedException",
}


class Unusable(Exception):
    """The endpoint, the credentials or the resources will not do; the message says why."""


def where() -> str:
    return (
        os.environ.get("AWS_ENDPOINT_URL") or f"AWS ({os.environ.get('AWS_REGION', 'no region')})"
    )


@contextmanager
def in_words(doing: str) -> Iterator[None]:
    """Turn botocore's failures while `doing` into Unusable with one line."""
    try:
        yield
    except EndpointConnectionError:
        raise Unusable(
            f"{doing}: cannot reach {where()}: is it running, and is the URL right?"
        ) from None
    except (NoCredentialsError, PartialCredentialsError):
        raise Unusable(
            f"{doing}: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            " (or AWS_PROFILE)"
        ) from None
    except NoRegionError:
        raise Unusable(f"{doing}: no AWS region: set AWS_REGION") from None
    except ClientError as e:
        error = e.response.get("Error", {})
        code, message = error.get("Code", "?"), error.get("Message", "")
        if code in _REFUSED:
            raise Unusable(
                f"{doing}: {where()} refused the credentials: {message or code}"
            ) from None
        raise Unusable(f"{doing}: {where()} answered {code}: {message}") from None
