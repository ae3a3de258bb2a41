"""Skills routing matches words, never markup or parts of other words, and the routing line
names the words that decided each skill."""

from __future__ import annotations

from services.domain.triage_rules import needed_skills, route, skill_words


def text(title: str, requirements: str = "") -> dict:
    return {"title": title, "requirements": requirements}


def routed(flow, title, requirements="", type_name="general"):
    return route(text(title, requirements), flow.ticket_type(type_name), flow, {})


def test_markup_is_not_words(flow):
    values = text(
        "Wiki page shows a popup",
        'Someone put <script>alert(1)</script> and <img src=x onerror="alert(2)"> and'
        " <style>.alert{color:red}</style><!-- alert --> &alert; on the page.",
    )
    assert needed_skills(values, flow.ticket_type("general"), flow) == ()


def test_a_keyword_inside_another_word_is_not_that_keyword(flow):
    values = text("Alerting rules for alert-manager", "the alerts-page and dnsmasq and mydns")
    assert skill_words(values, flow) == {}


def test_the_words_that_decided_each_skill_are_kept_in_order(flow):
    values = text("Alert: the DNS zone", "<b>prometheus</b> alert for the zone; <p>alert</p>")
    assert skill_words(values, flow) == {
        "monitoring": ("alert", "prometheus"),
        "dns": ("dns", "zone"),
    }


def test_the_routing_reason_names_the_words_and_the_types_skills(flow):
    routing = routed(flow, "Shell access", "<script>alert(1)</script>", type_name="database")
    assert routing.words == {"access": ("shell", "access")}
    assert routing.reason.endswith(
        "decided by “shell”, “access” (access) and the database type (mysql)"
    )
