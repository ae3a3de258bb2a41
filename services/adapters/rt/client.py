"""A reader of Request Tracker 5's REST2 API (`<url>/REST/2.0/`).

With a user and password it signs in once through RT's login form and reuses the session
cookie: RT checks a password with bcrypt on every basic-auth request (~300 ms each), the
cookie costs ~30 ms. With a token (`Authorization: token …`) every request carries it. Only
GETs are made, so RT's CSRF check on cookie-authenticated writes never applies.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import Any

import requests

PER_PAGE = 100
TIMEOUT_SECONDS = 30


class RtUnavailable(Exception):
    """RT cannot be read: unreachable, credentials refused, a queue unknown; in one line."""


class RtClient:
    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
    ):
        self.url = url.rstrip("/")
        self.api = f"{self.url}/REST/2.0"
        self.session = requests.Session()
        self.requests = 0
        if token:
            self.session.headers["Authorization"] = f"token {token}"
        elif user and password is not None:
            self._sign_in(user, password)
        else:
            raise RtUnavailable("give RT's --user and --password, or a --token")
        self.who = user or "the token"
        self._get("/queues/all", per_page=1)  # the credentials work, or say so now
        self.user = cache(self._user)

    def _sign_in(self, user: str, password: str) -> None:
        try:
            self.session.post(
                f"{self.url}/NoAuth/Login.html",
                data={"user": user, "pass": password},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as e:
            raise RtUnavailable(f"cannot reach RT at {self.url}: {_reason(e)}") from None

    def _get(self, path: str, **params: Any) -> Any:
        self.requests += 1
        try:
            r = self.session.get(f"{self.api}{path}", params=params, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as e:
            raise RtUnavailable(f"cannot reach RT at {self.url}: {_reason(e)}") from None
        # Without a session RT answers its login page (HTML) where JSON was asked for.
        if r.status_code in (401, 403) or "text/html" in r.headers.get("Content-Type", ""):
            raise RtUnavailable(f"RT at {self.url} refused the credentials of {self.who}")
        if r.status_code == 404:
            return None
        if not r.ok or "json" not in r.headers.get("Content-Type", ""):
            raise RtUnavailable(f"RT at {self.url} answered {r.status_code} to {path}")
        return r.json()

    def _pages(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            answer = self._get(path, page=page, per_page=PER_PAGE, **params) or {}
            yield from answer.get("items", [])
            if page >= int(answer.get("pages") or 0):
                return
            page += 1

    def check_queue(self, name: str) -> None:
        if self._get(f"/queue/{requests.utils.quote(name, safe='')}") is None:
            raise RtUnavailable(f"RT at {self.url} has no queue {name!r}")

    def tickets(self, queues: list[str], since: datetime | None) -> list[dict[str, Any]]:
        """Id and LastUpdated of every ticket of the queues (all queues when none), oldest
        first; with `since`, only those updated since."""
        terms = [" OR ".join(f"Queue = '{_quoted(q)}'" for q in queues)] if queues else []
        if since is not None:
            terms.append(f"LastUpdated >= '{since:%Y-%m-%d %H:%M:%S}'")
        # RT leaves deleted tickets out of every search: they are never imported.
        query = " AND ".join(f"({t})" for t in terms) or "id > 0"
        return list(
            self._pages(
                "/tickets", query=query, orderby="id", order="ASC", fields="LastUpdated,Status"
            )
        )

    def ticket(self, number: int) -> dict[str, Any] | None:
        answer: dict[str, Any] | None = self._get(f"/ticket/{number}")
        return answer

    def history(self, number: int) -> list[dict[str, Any]]:
        fields = "Type,Creator,Created,Field,OldValue,NewValue,Data"
        return list(self._pages(f"/ticket/{number}/history", fields=fields))

    def parts(self, transaction: int) -> list[dict[str, Any]]:
        """The MIME parts of a transaction: type, file name, and for text its content."""
        return list(
            self._pages(
                f"/transaction/{transaction}/attachments", fields="ContentType,Filename,Content"
            )
        )

    def attachment(self, attachment: int) -> bytes:
        answer = self._get(f"/attachment/{attachment}") or {}
        return base64.b64decode(answer.get("Content") or "")

    def _user(self, name: str) -> dict[str, Any]:
        return self._get(f"/user/{requests.utils.quote(name, safe='')}") or {}


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _reason(e: requests.RequestException) -> str:
    if isinstance(e, requests.ConnectionError):
        return "connection refused or no such host"
    if isinstance(e, requests.Timeout):
        return f"no answer within {TIMEOUT_SECONDS} s"
    return type(e).__name__
