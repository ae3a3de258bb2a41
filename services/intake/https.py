"""Strict-Transport-Security when RT Flow is reached over https (RTFLOW_BASE_URL): a browser
that has seen the app once never again tries it over plain http, where a network in between
could read a status link or a session. Over http the header would mean nothing (browsers
ignore it there) and is left out."""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

# One year, the usual value and what the preload lists ask for; subdomains are not ours.
HSTS = "max-age=31536000"


def register(app: Flask, base_url: str) -> None:
    if not base_url.lower().startswith("https://"):
        return

    @app.after_request
    def strict_transport(response: Response) -> Response:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
