"""Lambda entry for the web app (API Gateway HTTP API): the Flask app behind apig-wsgi.

The app is built on the first request, not at import, so a cold start pays only for imports.
"""

from __future__ import annotations

from apig_wsgi import make_lambda_handler

_handler = None


def handler(event, context):
    global _handler
    if _handler is None:
        from services.adapters.bootstrap import container

        from .app import create_app

        _handler = make_lambda_handler(create_app(container()), binary_support=True)
    return _handler(event, context)
