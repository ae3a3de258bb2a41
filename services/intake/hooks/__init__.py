"""Webhooks in: POST /hooks/<source> for GitHub, Alertmanager, GitLab, Sentry, Grafana and a
generic JSON hook. One module per source (authenticate + parse into one Inbound), shared
checks in auth.py and payload.py, and the blueprint in routes.py."""

from .routes import bp

__all__ = ["bp"]
