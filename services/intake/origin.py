"""Cross-site requests to the JSON API: a browser on another site may send a "simple" POST
(text/plain, no preflight) to any address it can reach, and a page behind a rebound DNS name
may even read the answers. Neither carries our cookies to the API (it takes bearer and status
tokens), but both could still file tickets or act with a token the page holds.

Browsers say where a request comes from: `Origin` on every POST, and `Sec-Fetch-Site`. A
state-changing request under /api/ whose Origin is not the app's own (the origin of
RTFLOW_BASE_URL), or that the browser calls cross-site or same-site, is refused with 403.
Scripts, tools and curl send neither header and are not affected; the pages' own forms are
protected by their CSRF tokens (and the public ones change nothing a token does not allow).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, jsonify, request
from werkzeug.wrappers import Response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What Sec-Fetch-Site may say of a request the app's own pages or a script made.
OWN_SITES = frozenset({"same-origin", "none"})


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower case, the default port left out."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    try:
        port = parts.port
    except ValueError:
        return ""
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def cross_site(own_origin: str) -> str:
    """Why this request is cross-site ("" when it is not)."""
    site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if site and site not in OWN_SITES:
        return f"the browser sent it from another site ({site})"
    origin = request.headers.get("Origin")
    if origin is not None and origin_of(origin) != own_origin:
        return "it comes from a page of another origin"
    return ""


def register(app: Flask, base_url: str) -> None:
    own = origin_of(base_url)

    @app.before_request
    def refuse_cross_site_api_writes() -> Response | None:
        if request.method in SAFE_METHODS or not request.path.startswith("/api/"):
            return None
        why = cross_site(own)
        if not why:
            return None
        response = jsonify({"error": f"cross-site request refused: {why}"})
        response.status_code = 403
        return response
