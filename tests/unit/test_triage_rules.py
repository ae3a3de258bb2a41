"""The triage rules, worked by hand: what counts as missing, how many points a ticket scores
and why, which skills it needs, and who (if anyone) obviously owns it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.domain.flow import FlowConfig, TriageRules
from services.domain.triage_rules import (
    assess_complexity,
    incomplete_fields,
    needed_skills,
    route,
)
from tests.conftest import valid_ticket

TODAY = date(2026, 11, 27)
# The example config's complexity rules, spelled out so the arithmetic below reads on its own.
RULES = TriageRules.model_validate(
    {
        "complexity": {
            "per_dependency": 1,
            "security_needs": 2,
            "capacity_needs": 2,
            "criteria_included": 3,
            "drop_dead_within_days": 14,
            "drop_dead_points": 2,
            "composite_items": 3,
            "composite_points": 2,
            "medium_from": 3,
            "large_from": 6,
        }
    }
)


def incomplete(flow, type_name="general", **overrides):
    return incomplete_fields(
        valid_ticket(type=type_name, **overrides), flow.ticket_type(type_name), flow.triage
    )


def text(title="", requirements=""):
    return {"title": title, "requirements": requirements}


# -- completeness ----------------------------------------------------------------------------


def test_a_complete_ticket_misses_nothing(flow):
    assert incomplete(flow) == []


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_required_field_is_missing(flow, blank):
    assert incomplete(flow, end_state=blank) == ["end_state"]


@pytest.mark.parametrize("placeholder", ["TBD", "n/a", "N/A.", "None", "?", "todo!", "ASAP"])
def test_a_placeholder_counts_as_missing_whatever_its_case(flow, placeholder):
    assert incomplete(flow, "access", security_needs=placeholder) == ["security_needs"]


def test_an_ellipsis_is_a_placeholder_too(flow):
    # "..." is in the example config's placeholders; a field that says only that says nothing.
    assert incomplete(flow, "access", security_needs="...") == ["security_needs"]


def test_a_placeholder_inside_real_text_is_not_missing(flow):
    assert incomplete(flow, "access", security_needs="Read-only, TBD by the DBAs") == []


def test_text_shorter_than_its_minimum_is_missing_and_the_minimum_itself_is_enough(flow):
    assert flow.triage.min_chars["requirements"] == 15
    fourteen, fifteen = "Reboot db1001.", "Restart db1001."
    assert (len(fourteen), len(fifteen)) == (14, 15)
    assert incomplete(flow, requirements=fourteen) == ["requirements"]
    assert incomplete(flow, requirements=fifteen) == []


def test_the_minimum_length_is_counted_after_trimming(flow):
    assert incomplete(flow, requirements="   Reboot db1001.   ") == ["requirements"]


def test_a_field_without_a_minimum_may_be_short(flow):
    assert "title" not in flow.triage.min_chars
    assert incomplete(flow, title="DNS") == []


@pytest.mark.parametrize("criteria", [[], ["  "], ["TBD", "n/a"], ["tbd."]])
def test_a_list_holding_only_placeholders_or_nothing_is_missing(flow, criteria):
    assert incomplete(flow, acceptance_criteria=criteria) == ["acceptance_criteria"]


def test_a_list_with_one_real_item_among_placeholders_is_complete(flow):
    assert incomplete(flow, acceptance_criteria=["TBD", "The replica lags under 60 s"]) == []


def test_requester_fields_are_only_checked_for_blankness(flow):
    assert incomplete(flow, requester={"name": "Tba", "email": "tbd@example.org"}) == []
    assert incomplete(flow, requester={"name": " ", "email": "ana@example.org"}) == [
        "requester.name"
    ]


def test_a_missing_date_is_missing_and_a_present_one_is_not(flow):
    assert incomplete(flow, "hardware", drop_dead_date=None) == ["drop_dead_date"]
    assert incomplete(flow, "hardware", drop_dead_date=TODAY) == []


def test_missing_fields_come_in_config_order(flow):
    missing = incomplete(
        flow,
        "access",
        security_needs="n/a",
        acceptance_criteria=[],
        end_state="TBD",
        requester={"name": "Ana Souza", "email": ""},
        requirements="Fix it",
        title="?",
    )
    assert missing == [
        "title",
        "requirements",
        "requester.email",
        "end_state",
        "acceptance_criteria",
        "security_needs",
    ]


# -- complexity ------------------------------------------------------------------------------


def test_a_bare_ticket_is_small_with_no_reasons():
    assert assess_complexity(text(requirements="Reboot db1001"), RULES, TODAY).reasons == ()
    complexity = assess_complexity({}, RULES, TODAY)
    assert (complexity.size, complexity.points) == ("small", 0)


def test_each_dependency_is_a_point_and_blank_ones_do_not_count():
    one = assess_complexity({"dependencies": ["Storage order #12", "  "]}, RULES, TODAY)
    assert (one.points, one.reasons) == (1, ("1 dependency (+1)",))
    two = assess_complexity({"dependencies": ["Storage order #12", "Rack space"]}, RULES, TODAY)
    assert (two.points, two.reasons) == (2, ("2 dependencies (+2)",))


def test_security_and_capacity_needs_add_their_points():
    complexity = assess_complexity(
        {"security_needs": "Read-only accounts", "capacity_needs": "500 GB"}, RULES, TODAY
    )
    assert complexity.points == 4
    assert complexity.reasons == (
        "security or access needs (+2)",
        "capacity or performance needs (+2)",
    )


def test_blank_security_and_capacity_needs_add_nothing():
    complexity = assess_complexity({"security_needs": "  ", "capacity_needs": ""}, RULES, TODAY)
    assert complexity.points == 0


def test_acceptance_criteria_beyond_the_included_count_add_a_point_each():
    three = assess_complexity({"acceptance_criteria": ["a", "b", "c"]}, RULES, TODAY)
    assert three.points == 0
    five = assess_complexity({"acceptance_criteria": list("abcde")}, RULES, TODAY)
    assert (five.points, five.reasons) == (2, ("5 acceptance criteria (+2)",))


@pytest.mark.parametrize(
    ("days", "reasons"),
    [
        (1, ("drop-dead date in 1 day (+2)",)),
        (13, ("drop-dead date in 13 days (+2)",)),
        (14, ("drop-dead date in 14 days (+2)",)),  # the boundary itself counts
        (15, ()),
    ],
)
def test_a_drop_dead_date_within_the_window_adds_points(days, reasons):
    complexity = assess_complexity({"drop_dead_date": TODAY + timedelta(days=days)}, RULES, TODAY)
    assert complexity.reasons == reasons
    assert complexity.points == (2 if reasons else 0)


def test_the_drop_dead_window_is_read_from_the_rules():
    rules = TriageRules.model_validate(
        {"complexity": {"drop_dead_within_days": 3, "drop_dead_points": 5}}
    )
    assert (
        assess_complexity({"drop_dead_date": TODAY + timedelta(days=3)}, rules, TODAY).points == 5
    )
    assert (
        assess_complexity({"drop_dead_date": TODAY + timedelta(days=4)}, rules, TODAY).points == 0
    )


@pytest.mark.parametrize(
    "requirements",
    [
        "We need:\n- a replica\n- a backup job\n- a dashboard",
        "Steps:\n1. order disks\n2) rack them\n3. add them to the pool",
        "* one\n  * two\n• three",
    ],
)
def test_requirements_listing_enough_items_are_composite(requirements):
    complexity = assess_complexity(text(requirements=requirements), RULES, TODAY)
    assert complexity.reasons == ("composite requirements (3 items) (+2)",)


@pytest.mark.parametrize(
    "requirements",
    [
        "We need:\n- a replica\n- a backup job",
        "Upgrade to 10.6 on 3 hosts.\n2026 budget applies.\n-no space after the dash",
    ],
)
def test_fewer_items_or_lines_that_only_look_like_items_are_not_composite(requirements):
    assert assess_complexity(text(requirements=requirements), RULES, TODAY).points == 0


@pytest.mark.parametrize(
    ("values", "points", "size"),
    [
        ({"dependencies": ["a", "b"]}, 2, "small"),
        ({"dependencies": ["a"], "security_needs": "x"}, 3, "medium"),  # medium_from
        ({"dependencies": ["a"], "security_needs": "x", "capacity_needs": "y"}, 5, "medium"),
        ({"dependencies": ["a", "b"], "security_needs": "x", "capacity_needs": "y"}, 6, "large"),
    ],
)
def test_the_size_is_read_off_the_points_at_the_exact_thresholds(values, points, size):
    complexity = assess_complexity(values, RULES, TODAY)
    assert (complexity.points, complexity.size) == (points, size)


def test_a_full_ticket_adds_up_every_reason_in_order():
    values = {
        "requirements": "Build the new cluster:\n- order\n- rack\n- install\n- hand over",
        "dependencies": ["Storage order #12"],
        "security_needs": "Firewall rules",
        "capacity_needs": "2 TB",
        "acceptance_criteria": ["a", "b", "c", "d"],
        "drop_dead_date": TODAY + timedelta(days=7),
    }
    complexity = assess_complexity(values, RULES, TODAY)
    # 1 + 2 + 2 + 1 + 2 + 2
    assert (complexity.points, complexity.size) == (10, "large")
    assert complexity.reasons == (
        "1 dependency (+1)",
        "security or access needs (+2)",
        "capacity or performance needs (+2)",
        "4 acceptance criteria (+1)",
        "drop-dead date in 7 days (+2)",
        "composite requirements (4 items) (+2)",
    )


# -- skills ----------------------------------------------------------------------------------


def test_skills_come_from_keywords_in_the_title_and_the_requirements(flow):
    general = flow.ticket_type("general")
    values = text("Add a CNAME for docs", "and restore last week's bacula backup")
    assert needed_skills(values, general, flow) == ("backups", "dns")


def test_keywords_match_whatever_their_case(flow):
    values = text("MariaDB on the new HOSTS", "Monitoring via Grafana")
    assert needed_skills(values, flow.ticket_type("general"), flow) == ("monitoring", "mysql")


def test_keywords_match_whole_words_only(flow):
    values = text("Passport scans", "Important: a sequel to the rackmount report")
    assert needed_skills(values, flow.ticket_type("general"), flow) == ()


def test_a_keyword_at_the_end_of_a_sentence_still_matches(flow):
    values = text("For the analytics team", "We need a new database.")
    assert needed_skills(values, flow.ticket_type("general"), flow) == ("mysql",)


def test_other_fields_do_not_call_for_skills(flow):
    values = {**text("Quarterly report", "Please write the report for Q3"), "end_state": "dns"}
    assert needed_skills(values, flow.ticket_type("general"), flow) == ()


def test_a_ticket_type_brings_its_own_skills(flow):
    values = text("Grant Lee a login", "Shell access on the stat hosts for Lee")
    assert needed_skills(values, flow.ticket_type("database"), flow) == ("access", "mysql")


# -- routing ---------------------------------------------------------------------------------


def routed(flow, title, requirements="", type_name="general", open_tickets=None):
    return route(text(title, requirements), flow.ticket_type(type_name), flow, open_tickets or {})


def test_the_one_engineer_with_the_skill_is_the_owner(flow):
    routing = routed(flow, "Add a CNAME record for docs")
    assert routing.skills == ("dns",)
    assert routing.owner == flow.member("mira")
    assert routing.reason == "Mira Okafor covers dns; decided by “cname”, “record” (dns)"


def test_the_engineer_covering_most_skills_wins(flow):
    # network: mira and ada; dns: only mira.
    routing = routed(flow, "New zone and a firewall rule", "Open the port for the zone transfer")
    assert routing.skills == ("dns", "network")
    assert routing.owner == flow.member("mira")


def test_a_tie_leaves_the_ticket_to_the_staff_meeting_naming_both(flow):
    routing = routed(flow, "Open a firewall port", "For the load balancer in front of the wiki")
    assert routing.owner is None
    assert "Mira Okafor" in routing.reason
    assert "Ada Brennan" in routing.reason


def test_an_owner_with_room_under_their_limit_is_assigned(flow):
    routing = routed(flow, "Add a CNAME record", open_tickets={"mira": 2})
    assert routing.owner == flow.member("mira")


def test_the_best_fit_at_their_wip_limit_leaves_the_ticket_unowned(flow):
    # ada also has network, but mira fits best; the runner-up is not a fallback.
    routing = routed(flow, "New zone and a firewall rule", open_tickets={"mira": 3, "ada": 0})
    assert routing.owner is None
    assert "Mira Okafor" in routing.reason
    assert "WIP limit (3)" in routing.reason


def test_no_matching_skill_leaves_the_ticket_unowned(flow):
    routing = routed(flow, "Quarterly report", "Please write the report for Q3")
    assert (routing.skills, routing.owner) == ((), None)
    assert "no skill matched" in routing.reason


def small_flow(members, ticket_skills=()):
    return FlowConfig.model_validate(
        {
            "team": {"name": "Ops", "mail_list": "ops@example.org", "members": members},
            "ticket_types": [{"name": "general", "label": "General", "skills": ticket_skills}],
            "skills": {"dns": ["dns"], "mysql": ["mysql"], "ldap": ["ldap"]},
        }
    )


def member(id, roles, skills, wip_limit=3):
    return {
        "id": id,
        "name": id.title(),
        "email": f"{id}@example.org",
        "roles": roles,
        "skills": skills,
        "wip_limit": wip_limit,
    }


def test_a_member_who_is_not_an_engineer_is_never_chosen():
    flow = small_flow(
        [
            member("tess", ["triager"], ["dns", "mysql"]),
            member("bob", ["bugmeister", "admin"], ["dns", "mysql"]),
            member("eve", ["engineer"], ["dns"]),
        ]
    )
    routing = route(text("dns and mysql"), flow.ticket_type("general"), flow, {})
    assert routing.owner == flow.member("eve")


def test_a_skill_only_non_engineers_have_leaves_the_ticket_unowned():
    flow = small_flow([member("tess", ["triager"], ["ldap"]), member("eve", ["engineer"], ["dns"])])
    routing = route(text("LDAP group"), flow.ticket_type("general"), flow, {})
    assert routing.skills == ("ldap",)
    assert routing.owner is None
    assert "ldap" in routing.reason


def test_an_engineer_with_a_wip_limit_of_zero_is_never_assigned():
    flow = small_flow([member("eve", ["engineer"], ["dns"], wip_limit=0)])
    assert route(text("dns"), flow.ticket_type("general"), flow, {}).owner is None
