"""The intake rules: one schema for the form, the API, and later email and webhooks."""

from __future__ import annotations

from datetime import date

import pytest

from services.domain.drafts import missing_fields, validate_draft
from services.domain.errors import ValidationFailed
from tests.conftest import valid_ticket

TODAY = date(2026, 11, 27)


def errors_for(data, flow, **kw) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as e:
        validate_draft(data, flow=flow, today=TODAY, **kw)
    return e.value.errors


def test_a_complete_ticket_is_accepted_and_normalised(flow):
    draft = validate_draft(
        valid_ticket(title="  Replica  ", requester={"name": "Ana", "email": "Ana@Example.ORG"}),
        flow=flow,
        today=TODAY,
    )
    assert draft.title == "Replica"
    assert draft.requester.email == "ana@example.org"
    assert draft.drop_dead_date == date(2026, 12, 27)


def test_every_bad_field_is_named_at_once(flow):
    errors = errors_for(
        valid_ticket(
            type="nonsense",
            title="",
            requester={"name": "", "email": "not-an-email"},
            drop_dead_date="27/12/2026",
            colour="blue",
        ),
        flow,
    )
    assert set(errors) == {
        "type",
        "title",
        "requester.name",
        "requester.email",
        "drop_dead_date",
        "colour",
    }
    assert "general" in errors["type"]  # the message lists the known types
    assert errors["colour"] == "is not a known field"
    assert "ISO date" in errors["drop_dead_date"]


def test_dates_in_the_past_are_refused(flow):
    errors = errors_for(
        valid_ticket(drop_dead_date="2026-11-26", nice_to_have_date="2026-11-01"), flow
    )
    assert errors == {
        "drop_dead_date": "must not be in the past",
        "nice_to_have_date": "must not be in the past",
    }


def test_today_is_not_in_the_past(flow):
    draft = validate_draft(
        valid_ticket(drop_dead_date="2026-11-27", nice_to_have_date="2026-11-27"),
        flow=flow,
        today=TODAY,
    )
    assert draft.drop_dead_date == TODAY


def test_nice_to_have_may_not_come_after_drop_dead(flow):
    errors = errors_for(
        valid_ticket(drop_dead_date="2026-12-01", nice_to_have_date="2026-12-02"), flow
    )
    assert errors == {"nice_to_have_date": "must not be after the drop-dead date"}


def test_required_fields_depend_on_the_ticket_type(flow):
    access = valid_ticket(type="access", security_needs="")
    assert errors_for(access, flow) == {"security_needs": "is required for access request tickets"}
    hardware = valid_ticket(
        type="hardware", capacity_needs=" ", drop_dead_date=None, nice_to_have_date=None
    )
    assert set(errors_for(hardware, flow)) == {"capacity_needs", "drop_dead_date"}
    # A general request needs neither.
    validate_draft(valid_ticket(security_needs="", capacity_needs=""), flow=flow, today=TODAY)


def test_an_incomplete_ticket_can_be_accepted_for_triage_to_complete(flow):
    data = valid_ticket(type="access", security_needs="", acceptance_criteria=[])
    draft = validate_draft(data, flow=flow, today=TODAY, require_complete=False)
    assert missing_fields(draft.model_dump(), flow.ticket_type("access")) == [
        "acceptance_criteria",
        "security_needs",
    ]


def test_lengths_are_bounded(flow):
    errors = errors_for(
        valid_ticket(
            title="x" * 201,
            requirements="y" * 10_001,
            acceptance_criteria=["z" * 501],
            dependencies=["d"] * 51,
        ),
        flow,
    )
    assert set(errors) == {"title", "requirements", "acceptance_criteria", "dependencies"}
    assert "200" in errors["title"]


def test_lists_may_come_as_one_statement_per_line(flow):
    draft = validate_draft(
        valid_ticket(
            acceptance_criteria="- replica exists\n\n* analysts log in\n  lag < 60 s  ",
            dependencies="storage order\n",
        ),
        flow=flow,
        today=TODAY,
    )
    assert draft.acceptance_criteria == ["replica exists", "analysts log in", "lag < 60 s"]
    assert draft.dependencies == ["storage order"]


@pytest.mark.parametrize("body", [[], "a string", 42, None])
def test_a_body_that_is_not_an_object_is_refused(flow, body):
    assert errors_for(body, flow) == {"body": "must be a JSON object"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 12),
        ("private", "perhaps"),
        ("acceptance_criteria", {"a": 1}),
        ("requester", "ana@example.org"),
        ("drop_dead_date", 20261231),
    ],
)
def test_wrong_types_are_field_errors(flow, field, value):
    assert field in errors_for(valid_ticket(**{field: value}), flow)


def test_missing_fields_reports_blank_values_in_config_order(flow):
    values = {
        "type": "access",
        "title": "x",
        "requirements": " ",
        "requester": {"name": "A", "email": ""},
    }
    assert missing_fields(values, flow.ticket_type("access")) == [
        "requirements",
        "requester.email",
        "end_state",
        "acceptance_criteria",
        "security_needs",
    ]
