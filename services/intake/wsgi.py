"""The web app as a module-level WSGI application, built from the settings (RTFLOW_* and the
usual AWS variables), for any WSGI server: `rtflow serve web` (waitress), gunicorn, mod_wsgi,
or zappa (`app_function: services.intake.wsgi.app`).

    gunicorn 'services.intake.wsgi:app'
"""

from __future__ import annotations

from services.adapters.bootstrap import container

from .app import create_app

app = create_app(container())
