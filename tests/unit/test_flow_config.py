"""The flow config is checked at start, and every problem is named with its place."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.adapters.flow_file import load_flow
from services.cli import main
from services.domain.errors import ConfigError
from tests.conftest import EXAMPLE_FLOW


def test_the_example_config_describes_a_techops_team(flow):
    assert flow.team.name == "TechOps"
    assert {t.name for t in flow.ticket_types} >= {"general", "access", "hardware"}
    assert flow.ticket_type("access").always_private
    assert "security_needs" in flow.ticket_type("access").required_fields
    assert "capacity_needs" in flow.ticket_type("hardware").required_fields


def write(tmp_path, text):
    path = tmp_path / "flow.yaml"
    path.write_text(text)
    return path


def test_every_bad_entry_is_reported_with_its_path(tmp_path):
    path = write(
        tmp_path,
        """
team:
  name: Ops
  mail_list: not-a-mail
  members:
    - {id: ann, name: Ann, email: ann@example.org, roles: [wizard]}
    - {id: ann, name: Ann Two, email: ann2@example.org}
ticket_types:
  - {name: general, label: General, required: [colour]}
  - {name: general, label: Again}
""",
    )
    with pytest.raises(ConfigError) as e:
        load_flow(path)
    message = str(e.value)
    assert str(path) in message
    assert "team.mail_list" in message
    assert "team.members.0: unknown role(s) wizard" in message
    assert "ticket_types.0: unknown required field(s) colour" in message


def test_duplicates_are_refused(tmp_path):
    path = write(
        tmp_path,
        """
team:
  name: Ops
  mail_list: ops@example.org
  members:
    - {id: ann, name: Ann, email: ann@example.org}
    - {id: ann, name: Ann Two, email: ann2@example.org}
ticket_types:
  - {name: general, label: General}
""",
    )
    with pytest.raises(ConfigError, match="duplicate member id\\(s\\): ann"):
        load_flow(path)


def test_unreadable_and_malformed_files_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="cannot read it"):
        load_flow(tmp_path / "absent.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_flow(write(tmp_path, "team: [unclosed"))


def test_check_config_command_summarises_a_good_file_and_fails_on_a_bad_one(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["check-config", str(EXAMPLE_FLOW)])
    assert ok.exit_code == 0, ok.output
    assert "ok: team TechOps (5 members)" in ok.output
    bad = runner.invoke(main, ["check-config", str(write(tmp_path, "team: {}"))])
    assert bad.exit_code == 1
    assert "is invalid" in bad.output
    assert "Traceback" not in bad.output


SUBSCRIBED = """
team:
  name: Ops
  mail_list: ops@example.org
  members:
    - {id: ann, name: Ann, email: ann@example.org}
ticket_types:
  - {name: general, label: General}
subscriptions:
  - {name: chat, url: "https://chat.example.org/hook", events: %s}
"""


def test_a_subscription_names_kinds_that_are_sent(tmp_path):
    good = load_flow(write(tmp_path, SUBSCRIBED % "[ticket.filed, sla.breached]"))
    assert good.subscriptions[0].events == ("ticket.filed", "sla.breached")
    with pytest.raises(
        ConfigError, match="subscriptions.chat: unknown event kind\\(s\\) ticket.fild"
    ):
        load_flow(write(tmp_path, SUBSCRIBED % "[ticket.fild]"))
    # The filing is its own acknowledgement: the old kind is refused, with what to use.
    with pytest.raises(ConfigError, match="no longer sent.*subscribe to ticket.filed"):
        load_flow(write(tmp_path, SUBSCRIBED % "[ticket.acknowledged]"))
