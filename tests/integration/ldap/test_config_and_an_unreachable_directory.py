"""The flow config's ldap section (a bad one is named; the example's commented one is valid),
and the sign-in pages when the directory cannot be reached."""

from __future__ import annotations

import re

import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.domain.directory import LdapConfig
from services.intake.app import create_app
from tests.e2e.stack_process import free_port
from tests.fakes import FakeTicketRepository
from tests.integration.console_helpers import csrf_from
from tests.integration.ldap.ldap_helpers import SERVICE_DN, SERVICE_PASSWORD, config


def test_the_pages_say_so_when_the_directory_is_down(flow, clock):
    settings = Settings(
        secret_key="test-secret-" * 4,
        ldap_url=f"ldap://127.0.0.1:{free_port()}",
        ldap_bind_dn=SERVICE_DN,
        ldap_bind_password=SERVICE_PASSWORD,
    )
    container = build(
        settings,
        flow=flow.model_copy(update={"ldap": config()}),
        clock=clock,
        tickets=FakeTicketRepository(),
    )
    client = create_app(container).test_client()
    page = client.get("/staff/login").text
    response = client.post(
        "/staff/login/directory",
        data={"csrf_token": csrf_from(page), "username": "mira", "password": "mira-pass-1"},
    )
    assert response.status_code == 503
    assert (
        "cannot be reached" in response.text and "staff token still signs you in" in response.text
    )
    page = client.get("/me/sign-in").text
    response = client.post(
        "/me/sign-in/directory",
        data={"csrf_token": csrf_from(page), "username": "lee", "password": "lee-pass-1"},
    )
    assert response.status_code == 503 and "cannot be reached" in response.text


# -- the flow config's ldap section --------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"user_filter": "uid={username}"}, "user_filter"),
        ({"user_filter": "(uid=admin)"}, "user_filter"),
        ({"user_filter": "(uid={username}))(|(uid=*"}, "user_filter"),
        ({"group_filter": "(member=x)"}, "group_filter"),
        ({"staff": {"ops": ["wizard"]}}, "unknown role"),
        ({"staff": {"ops": []}}, "at least 1"),
        ({"id_attribute": "uid)(x"}, "id_attribute"),
        ({"mystery": 1}, "mystery"),
    ],
)
def test_a_bad_ldap_section_is_named(overrides, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=re.escape(message)):
        config(**overrides)


def test_the_example_flow_configs_commented_ldap_section_is_valid(flow):
    import yaml

    from services.adapters.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / "infra" / "flow.example.yaml").read_text()
    block = text[text.index("# ldap:") :]
    section = yaml.safe_load("\n".join(line[2:] for line in block.splitlines()))
    assert flow.ldap is None  # commented out: no directory on a laptop
    ldap = LdapConfig.model_validate(section["ldap"])
    assert ldap.staff["techops-triage"] == ("triager",)
