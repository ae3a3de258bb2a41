"""The flow config of integrations: the tools that post to /hooks/<name>, the mail gateway,
and the webhooks the queue posts to (subscriptions). Data only; services/inbound applies
what comes in, services/notify delivers what goes out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl, StringConstraints

# The tools that may post to /hooks/<source>; `email` is the mail gateway.
HOOK_SOURCES = ("github", "alertmanager", "gitlab", "sentry", "grafana", "generic")
SOURCES = (*HOOK_SOURCES, "email")
SOURCE_LABELS = {
    "github": "GitHub",
    "alertmanager": "Alertmanager",
    "gitlab": "GitLab",
    "sentry": "Sentry",
    "grafana": "Grafana",
    "generic": "a webhook",
    "email": "mail",
}

# How each tool proves it is itself, with the secret `rtflow hooks` prints.
HOOK_AUTH = {
    "github": "webhook secret (X-Hub-Signature-256)",
    "alertmanager": "http_config authorization bearer token, or basic_auth password",
    "gitlab": "secret token (X-Gitlab-Token)",
    "sentry": "integration client secret (Sentry-Hook-Signature)",
    "grafana": "contact point Authorization bearer token, or basic auth password",
    "generic": "X-RTFlow-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of t.delivery.body>",
}

_EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    email: EmailStr


class HookSource(_Strict):
    """One tool that may post to /hooks/<name>: the ticket type it files, who hears of those
    tickets as their requester, and where its secret comes from."""

    ticket_type: str
    # The requester of the tickets it files (status mails, needs-info questions). Default:
    # the team's mail list, named after the tool.
    requester: Contact | None = None
    private: bool = False
    # The environment variable holding the secret (a signing key, or the token the tool
    # sends). Unset: a secret derived from RTFLOW_SECRET_KEY (`rtflow hooks` prints it).
    secret_env: _EnvName | None = None
    # Alertmanager, Grafana, Sentry: what a "resolved" does to the open ticket: a note on
    # it, the ticket resolved (it reopens when it fires again), or closed.
    on_resolved: Literal["note", "resolve", "close"] = "note"
    # ... and what firing again does once its ticket is finished: reopen it, or file a new
    # one (the thread follows the new ticket).
    fired_again: Literal["reopen", "file"] = "reopen"
    # Generic hook: ticket field -> dotted path into the JSON body (see docs/webhooks.md).
    fields: dict[str, str] = Field(default_factory=dict)
    # Generic hook: how far X-RTFlow-Signature's timestamp may be from our clock; a copy of a
    # delivery sent again later is refused (docs/webhooks.md, "Signing"). GitHub, GitLab,
    # Sentry (their signature covers the body alone): how long the same body is a duplicate.
    replay_window_seconds: int = Field(300, ge=30, le=3600)


class EmailIntake(_Strict):
    """The mail gateway: new mail to `address` files a ticket; replies land on theirs."""

    address: EmailStr
    ticket_type: str
    private: bool = False


class Subscription(_Strict):
    """Webhooks out: each matching event is POSTed to `url`, signed with the secret
    (X-RTFlow-Signature-256, as GitHub signs), retried with backoff, then dead-lettered."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    url: HttpUrl
    # Event kinds ("ticket.filed", "sla.breached", ...), or "*" for every event.
    events: tuple[str, ...] = ("*",)
    # "json": the event and a summary of its ticket; "slack": {"text": ...} for chat rooms
    # (Slack, Mattermost, Rocket.Chat incoming webhooks).
    format: Literal["json", "slack"] = "json"
    # Internal notes and private tickets stay in the team unless this is false.
    public_only: bool = True
    secret_env: _EnvName | None = None

    def wants(self, kind: str, public: bool, private_ticket: bool) -> bool:
        if self.public_only and (not public or private_ticket):
            return False
        return "*" in self.events or kind in self.events
