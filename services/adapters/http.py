"""HttpPoster with urllib3 (a botocore dependency: nothing more to install or package).

One POST, no retries (the queue retries, with backoff), no redirects followed (a receiver
cannot bounce a signed body to another host), a short timeout. Errors name what failed and
the host, never the URL's path: a chat room's webhook URL is its secret.
"""

from __future__ import annotations

import functools

import urllib3


class PostFailed(Exception):
    """No answer came: connection refused or reset, timeout, TLS failure."""


class Urllib3Poster:
    def __init__(self, pool: urllib3.PoolManager | None = None):
        # Certificates are verified (urllib3 2 does by default, with the system's CAs).
        self.pool = pool or urllib3.PoolManager(num_pools=20, maxsize=2, retries=False)

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        host = urllib3.util.parse_url(url).host or "?"
        try:
            response = self.pool.request(
                "POST",
                url,
                body=body,
                headers=headers,
                timeout=urllib3.Timeout(connect=timeout, read=timeout),
                retries=False,
                redirect=False,
                preload_content=False,
            )
        except urllib3.exceptions.TimeoutError:
            raise PostFailed(f"no answer from {host} within {timeout:g} s") from None
        except urllib3.exceptions.HTTPError as e:
            reason = type(getattr(e, "reason", None) or e).__name__
            raise PostFailed(f"{host}: {reason}") from None
        try:
            response.read(64 * 1024, decode_content=False)  # a small answer: keep-alive works
        except Exception:  # noqa: S110 - the status is the answer; the body is not needed
            pass
        finally:
            response.release_conn()
        return response.status


@functools.cache
def default_poster() -> Urllib3Poster:
    """One poster (one connection pool) per process, for the Lambda handler."""
    return Urllib3Poster()
