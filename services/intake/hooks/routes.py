"""POST /hooks/<source>: authenticate, parse into one Inbound, record it, answer.

Nothing here touches a ticket: the recorded Inbound is applied later from the inbound queue,
so a tool gets its answer in one write, and a redelivery (same delivery id) is answered
"duplicate" without doing anything twice. Refusals are errors (errors.py maps them to HTTP:
400 bad payload, 401 credentials, 404 unknown source, 413 too large, 503 not configured)."""

from __future__ import annotations

import logging
from types import ModuleType

from flask import Blueprint, current_app, jsonify, request

from services.domain.inbound import Inbound

from . import alertmanager, generic, github, gitlab, grafana, sentry
from .errors import HookUnavailable, UnknownSource
from .payload import HookRequest, Reply

log = logging.getLogger(__name__)

bp = Blueprint("hooks", __name__)

# Their signature (or token) covers the body alone: a copy could come again under a fresh
# delivery id, so the same body within the source's replay_window_seconds is a duplicate too.
# (The generic hook signs its id and time; Alertmanager's and Grafana's ids are the digest.)
BODY_SIGNED = frozenset({"github", "gitlab", "sentry"})

# Each module has authenticate(req, secret) and parse(req) -> Inbound | Reply.
PARSERS: dict[str, ModuleType] = {
    "github": github,
    "alertmanager": alertmanager,
    "gitlab": gitlab,
    "sentry": sentry,
    "grafana": grafana,
    "generic": generic,
}


@bp.post("/hooks/<source>")
def receive(source: str):
    c = current_app.extensions["rtflow"]
    config = c.flow.hooks.get(source)
    parser = PARSERS.get(source)
    if config is None or parser is None:
        raise UnknownSource(source)
    secret = c.hook_secret(source)
    if not secret:
        log.error(
            "hook %s refused: its secret is not configured (%s is unset)", source, config.secret_env
        )
        raise HookUnavailable("hook secret not configured")
    hook = HookRequest(
        source=source,
        config=config,
        flow=c.flow,
        headers=request.headers,
        body=request.get_data(),  # over MAX_CONTENT_LENGTH: 413 before anything is read
        today=c.clock.now().date(),
        received_at=c.clock.now(),
    )
    parser.authenticate(hook, secret)
    try:
        outcome = parser.parse(hook)
    except HookUnavailable as e:
        log.error("hook %s refused: %s", source, e)
        raise
    if isinstance(outcome, Reply):
        return jsonify(outcome.body), outcome.status
    if source in BODY_SIGNED:
        replay = {
            "replay_key": f"{source}:{hook.body_digest}",
            "replay_seconds": config.replay_window_seconds,
        }
        outcome = outcome.model_copy(update=replay)
    return _record(c.inbox, outcome)


def _record(inbox, message: Inbound):
    try:
        fresh = inbox.record(message)
    except Exception:
        # Our store failed, not the tool: a 503 tells the ones that retry to do so.
        log.exception("hook %s: could not record delivery %s", message.source, message.delivery)
        raise HookUnavailable("could not record the delivery; try again later") from None
    if not fresh:
        return jsonify({"status": "duplicate"}), 200
    log.info("hook %s: recorded %s %s", message.source, message.action.value, message.key)
    return jsonify({"status": "accepted"}), 202
