"""Fixtures the unit tests share (tests/conftest.py has those of every layer)."""

from __future__ import annotations

import pytest

from services.domain.actors import Actor
from services.domain.flow import FlowConfig
from services.domain.integrations import EmailIntake
from tests.fakes import FakeTicketRepository
from tests.unit.ticket_builders import ROOT, TESS


@pytest.fixture
def tickets():
    """An empty in-memory ticket table."""
    return FakeTicketRepository()


@pytest.fixture
def staff(flow):
    """The example team as actors, plus Tess (triager only) and Root (admin only)."""
    actors = {m.id: Actor.staff(m) for m in flow.team.members}
    return actors | {"tess": Actor.staff(TESS), "root": Actor.staff(ROOT)}


@pytest.fixture(scope="module")
def mail_flow(flow):
    """The example flow with the mail gateway configured (its tickets private)."""
    email = EmailIntake(address="ops@example.org", ticket_type="general", private=True)
    return flow.model_copy(update={"email": email})


@pytest.fixture(scope="module")
def team() -> FlowConfig:
    """The reports' team: two engineers (ana: WIP 2, ben: WIP 1), a triager who is no engineer; `general` has a
    wall-clock SLA of 4 h to first response and 2 days (48 h) to resolution, `access` none."""
    return FlowConfig.model_validate(
        {
            "team": {
                "name": "Ops",
                "mail_list": "ops@example.org",
                "members": [
                    {"id": "ana", "name": "Ana", "email": "ana@example.org", "wip_limit": 2},
                    {"id": "ben", "name": "Ben", "email": "ben@example.org", "wip_limit": 1},
                    {
                        "id": "cy",
                        "name": "Cy",
                        "email": "cy@example.org",
                        "roles": ["triager"],
                    },
                ],
            },
            "ticket_types": [
                {
                    "name": "general",
                    "label": "General",
                    "sla": {"first_response": "4h", "resolution": "2d", "business_hours": False},
                },
                {"name": "access", "label": "Access"},
            ],
        }
    )
