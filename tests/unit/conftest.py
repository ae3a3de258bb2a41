"""Fixtures the unit tests share (tests/conftest.py has those of every layer)."""

from __future__ import annotations

import pytest

from services.domain.actors import Actor
from services.domain.integrations import EmailIntake
from tests.unit.ticket_builders import ROOT, TESS


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
