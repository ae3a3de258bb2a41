"""Roles from directory groups count everywhere, not only at sign-in: a team member whose
flow config entry gives no engineer role, but whose directory group does, can be assigned a
ticket, is a candidate of triage's routing, and so may take tickets as before."""

from __future__ import annotations

import pytest
import yaml

from services.adapters.bootstrap import build
from services.adapters.ldap_auth import with_member_roles
from services.adapters.settings import Settings
from services.application.actions import perform
from services.application.filing import file_ticket
from services.domain.actors import Actor
from services.domain.triage_rules import route
from tests.conftest import EXAMPLE_FLOW, valid_ticket
from tests.fakes import FakeMailer, FakeRequesterLinks, FakeTicketRepository
from tests.integration.ldap.ldap_helpers import SERVICE_DN, SERVICE_PASSWORD, config, directory

pytestmark = pytest.mark.slow  # Debian's slapd


def flow_file(tmp_path):
    """The example flow, where jonas is an engineer only by his directory group."""
    data = yaml.safe_load(EXAMPLE_FLOW.read_text())
    for member in data["team"]["members"]:
        if member["id"] == "jonas":
            member["roles"] = []
    data["ldap"] = config().model_dump(mode="json")
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def container(slapd, tmp_path, clock):
    settings = Settings(
        secret_key="test-secret-" * 4,
        base_url="http://rt.example.org",
        flow_config=str(flow_file(tmp_path)),
        ldap_url=slapd.url,
        ldap_bind_dn=SERVICE_DN,
        ldap_bind_password=SERVICE_PASSWORD,
    )
    return build(
        settings,
        clock=clock,
        tickets=FakeTicketRepository(),
        requester_links=FakeRequesterLinks(),
        mailer=FakeMailer(),
    )


def test_the_team_holds_the_roles_of_its_directory_groups(container):
    assert container.flow.member("jonas").roles == ("engineer",)
    assert container.flow.member("mira").roles == ("triager", "engineer")  # nothing twice
    assert "jonas" in [m.id for m in container.flow.members_with_role("engineer")]


def test_a_directory_engineer_can_be_assigned_and_is_routed_to(container):
    number = file_ticket(valid_ticket(), container.ticket_deps, source="api").ticket.number
    mira = Actor.staff(container.flow.member("mira"))  # a triager
    ticket = perform(number, "assign", {"owner": "jonas"}, mira, container.ticket_deps)
    assert ticket.owner == "jonas"
    # Triage's routing sees him too: access is his skill alone.
    routing = route(
        {"title": "Shell access", "requirements": "ssh to the stat hosts"},
        container.flow.ticket_type("general"),
        container.flow,
        {},
    )
    assert routing.owner == container.flow.member("jonas")


def test_an_unknown_account_or_a_directory_that_cannot_answer_leaves_the_configs_roles(
    container, slapd
):
    flow = container.flow.model_copy(update={"ldap": config()})
    down = directory("ldap://127.0.0.1:1", timeout=0.5)
    plain = flow.model_copy(
        update={"team": flow.team.model_copy(update={"members": flow.team.members[:1]})}
    )
    assert with_member_roles(plain, down) == plain
    assert directory(slapd.url).groups_of("nobody-here") is None
