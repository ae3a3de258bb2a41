"""The Flask app factory: public pages and the JSON API over one container."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect

from . import (
    api,
    attachments,
    console,
    errors,
    hooks,
    https,
    origin,
    pages,
    paths,
    reports_pages,
    throttle,
)
from .find import bp as staff_search
from .me_files import bp as self_service  # /me's blueprint, its file pages added
from .queue import bp as public_queue
from .team_words import team_words
from .text_limits import text_limits
from .watching_pages import bp as watching_pages  # and /me's "stop copying"
from .workbench_api import bp as workbench_api  # watchers, merge and bulk: the JSON API


class _FieldOrderJSON(DefaultJSONProvider):
    sort_keys = False  # answers keep their models' field order


def create_app(container: Any) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=container.settings.secret_key,
        MAX_CONTENT_LENGTH=container.settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=container.settings.max_request_bytes,
        # The console's session cookie: no script reads it, no other site's POST carries it.
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=container.settings.base_url.startswith("https"),
    )
    app.json = _FieldOrderJSON(app)
    app.extensions["rtflow"] = container
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(hooks.bp)
    app.register_blueprint(self_service)  # /me: requesters' own pages (CSRF-protected)
    app.register_blueprint(public_queue)  # /queue, /api/v1/queue, /queue.atom: GET only
    app.register_blueprint(staff_search)  # GET /api/v1/tickets: bearer token, GET only
    app.register_blueprint(reports_pages.bp)  # /staff/reports: the console's sign-in
    app.register_blueprint(attachments.bp)  # files: upload and download (/me's: me_files)
    app.register_blueprint(workbench_api)
    app.register_blueprint(watching_pages)  # a watcher's link; the status page's CC
    errors.register(app)
    # A browser's cross-site POST to the JSON API is refused (origin.py says why).
    origin.register(app, container.settings.base_url)
    https.register(app, container.settings.base_url)  # HSTS when served over https
    paths.register(app)  # a ticket number too large for any store: 404
    # Per-client limits: refused credentials, anonymous queue readers (throttle.py).
    throttle.register(app, container.settings, public_queue)
    # Before the CSRF check reads a form: the upload routes take larger bodies.
    app.before_request(attachments.raise_upload_limit)
    csrf = CSRFProtect(app)
    # No cookie authorises them: the API takes bearer tokens, the public pages act on no session.
    csrf.exempt(pages.bp)
    csrf.exempt(api.bp)
    # Tools authenticate each delivery by its signature or token; no cookie is involved.
    csrf.exempt(hooks.bp)
    # The API's bearer or status token, or the status page's token, authorises an upload.
    csrf.exempt(attachments.bp)
    # Bearer tokens, the status page's token, or a watcher's signed link authorise these.
    csrf.exempt(workbench_api)
    csrf.exempt(watching_pages)

    @app.context_processor
    def team():
        return {"team_name": container.flow.team.name}

    # Globals, not a context processor: the form macros are imported without context.
    app.jinja_env.globals.update(text_limits())
    words, filters = team_words(lambda: container.flow)
    app.jinja_env.globals.update(words)
    app.jinja_env.filters.update(filters)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Status links carry their token in the URL: never leak it to another site.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        # Pages and anything read with a token or a session are private to their reader.
        if response.mimetype == "text/html" or "token" in request.args or request.authorization:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
