"""What every console page shares: the blueprint, the container, the team's engineers, the
referrer policy and the names templates use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, g
from werkzeug.wrappers import Response

from services.domain.flow import Member

bp = Blueprint("console", __name__, url_prefix="/staff")


def container() -> Any:
    return current_app.extensions["rtflow"]


def engineers() -> list[Member]:
    return container().flow.members_with_role("engineer")


@bp.after_request
def same_origin_referrer(response: Response) -> Response:
    # Flask-WTF checks the Referer of HTTPS form posts; the app's default "no-referrer" would
    # make every console form fail there. Console URLs carry no secrets, so same-origin is safe.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.context_processor
def console_globals() -> dict[str, Any]:
    flow = container().flow
    names = {m.id: m.name for m in flow.team.members}
    now = container().clock.now()

    def age(created_at: datetime) -> int:
        """Whole days since `created_at`."""
        return max((now - created_at).days, 0)

    return {
        "staff": g.get("staff"),
        "member_name": lambda member_id: names.get(member_id, member_id) if member_id else "",
        "age": age,
    }
