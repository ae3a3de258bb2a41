"""The staff console under /staff: the queue, "my tickets", the staff-meeting agenda, the
log of webhooks out, and a ticket page with a form per action.

Server-rendered HTML forms, no JavaScript; every form carries a CSRF token (Flask-WTF, set up
in app.py). signin.py: signing in and out, and the session every page requires; lists.py:
the lists; ticket.py: one ticket and its actions; forms.py: the forms read into action
bodies; web.py: the blueprint and what the pages share. Importing the package registers
every page on `bp`.
"""

from . import (  # noqa: F401 - importing them registers their pages on bp
    files,
    lists,
    signin,
    ticket,
    workbench,
)
from .signin import require_staff
from .web import bp, console_globals, same_origin_referrer

__all__ = [
    "bp",
    "console_globals",
    "require_staff",
    "same_origin_referrer",
]
