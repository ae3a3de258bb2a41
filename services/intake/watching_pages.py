"""Leaving a ticket's mail: a watcher by the link in their mail, the requester by taking a CC
off their ticket (the status page, with its token; /me, with the session and a CSRF token).

The watcher's link opens a page with one button (POST), as the sign-in link does: mail
scanners open links and must not unsubscribe anybody. The same URL takes RFC 8058's
one-click POST from a mail client's unsubscribe button. A link that is not the ticket's and
the address's answers 404, as a wrong status token does.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.application import watching
from services.domain.actors import Actor
from services.domain.errors import AlreadyDone, TicketNotFound
from services.domain.watchers import unwatch_matches

from .selfservice import _my_ticket
from .selfservice import bp as self_service
from .status import requester_by_token

bp = Blueprint("watching", __name__)


def _deps() -> Any:
    return current_app.extensions["rtflow"].ticket_deps


def _watcher(number: int) -> tuple[str, str]:
    """The address of the link and its token, if they are the ticket's; else not found."""
    address = request.args.get("address", "").strip().lower()
    token = request.args.get("token", "")
    if not address or not unwatch_matches(_deps().secret_key, number, address, token):
        raise TicketNotFound(number)
    return address, token


@bp.get("/tickets/<int:number>/unwatch")
def unwatch(number: int) -> str:
    address, token = _watcher(number)
    return render_template("unwatch.html", number=number, address=address, token=token)


@bp.post("/tickets/<int:number>/unwatch")
def unwatch_submit(number: int) -> str:
    address, _ = _watcher(number)
    # A second click, or the mail client's one-click after the page's button, is fine.
    with contextlib.suppress(AlreadyDone):
        watching.drop_watcher(number, address, Actor.watcher(address), _deps())
    return render_template("unwatch.html", number=number, address=address, done=True)


def _drop(number: int, actor: Actor) -> str:
    """Take the form's address off the ticket; the notice the page shows after."""
    address = request.form.get("address", "").strip().lower()
    try:
        watching.drop_watcher(number, address, actor, _deps())
    except AlreadyDone:
        return f"{address or 'That address'} was not copied on this ticket."
    return f"{address} is no longer copied on this ticket."


@bp.post("/tickets/<int:number>/cc/drop")
def drop_cc(number: int) -> Response:
    """From the status page: its token is the requester's key."""
    token = request.args.get("token")
    notice = _drop(number, requester_by_token(number, token))
    target = url_for("pages.status", number=number, token=token, notice=notice)
    return redirect(target, code=303)


@self_service.post("/tickets/<int:number>/cc/drop")
def me_drop_cc(number: int) -> Response:
    """From /me: the signed-in requester's own ticket only."""
    ticket = _my_ticket(number)
    flash(_drop(number, Actor.requester(g.requester_email, ticket.requester.name)))
    return redirect(url_for("me.ticket", number=number), code=303)
