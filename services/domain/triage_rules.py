"""Triage policies: is a ticket complete, how complex is it, who obviously owns it.

Pure functions of the ticket and the flow config, so each decision can be explained (the
reasons are stored on the ticket) and re-run: the rules are data in the flow config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .drafts import missing_fields
from .flow import FlowConfig, Member, TicketType, TriageRules

_WORD = re.compile(r"[a-z0-9]+(?:[+#.-][a-z0-9]+)*")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+\S", re.MULTILINE)


def _meaningless(value: Any, rules: TriageRules, field: str) -> bool:
    if isinstance(value, list | tuple):
        return all(_meaningless(v, rules, field) for v in value) if value else False
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    core = text.rstrip(".!?")
    if text in rules.placeholders or core in rules.placeholders or not core:
        return True
    return len(value.strip()) < rules.min_chars.get(field, 0)


def incomplete_fields(
    values: Mapping[str, Any], ticket_type: TicketType, rules: TriageRules
) -> list[str]:
    """Required fields that are blank, or hold only a placeholder or too little text."""
    missing = missing_fields(values, ticket_type)
    for field in ticket_type.required_fields:
        if field in missing or "." in field:
            continue
        if _meaningless(values.get(field), rules, field):
            missing.append(field)
    return [f for f in ticket_type.required_fields if f in missing]


@dataclass(frozen=True)
class Complexity:
    size: str  # small | medium | large
    points: int
    reasons: tuple[str, ...]


def assess_complexity(values: Mapping[str, Any], rules: TriageRules, today: date) -> Complexity:
    c = rules.complexity
    reasons: list[tuple[int, str]] = []
    dependencies = [d for d in values.get("dependencies") or [] if str(d).strip()]
    if dependencies and c.per_dependency:
        n = len(dependencies)
        reasons.append((n * c.per_dependency, f"{n} dependenc{'y' if n == 1 else 'ies'}"))
    if str(values.get("security_needs") or "").strip() and c.security_needs:
        reasons.append((c.security_needs, "security or access needs"))
    if str(values.get("capacity_needs") or "").strip() and c.capacity_needs:
        reasons.append((c.capacity_needs, "capacity or performance needs"))
    criteria = len(values.get("acceptance_criteria") or [])
    if criteria > c.criteria_included:
        reasons.append((criteria - c.criteria_included, f"{criteria} acceptance criteria"))
    drop_dead = values.get("drop_dead_date")
    if isinstance(drop_dead, date) and (drop_dead - today).days <= c.drop_dead_within_days:
        days = (drop_dead - today).days
        plural = "s" if abs(days) != 1 else ""
        when = f"in {days} day{plural}" if days >= 0 else f"passed {-days} day{plural} ago"
        reasons.append((c.drop_dead_points, f"drop-dead date {when}"))
    items = len(_LIST_ITEM.findall(str(values.get("requirements") or "")))
    if items >= c.composite_items:
        reasons.append((c.composite_points, f"composite requirements ({items} items)"))
    points = sum(p for p, _ in reasons)
    size = "large" if points >= c.large_from else "medium" if points >= c.medium_from else "small"
    return Complexity(size, points, tuple(f"{r} (+{p})" for p, r in reasons))


@dataclass(frozen=True)
class Routing:
    skills: tuple[str, ...]
    owner: Member | None
    reason: str


def needed_skills(
    values: Mapping[str, Any], ticket_type: TicketType, flow: FlowConfig
) -> tuple[str, ...]:
    words = set(
        _WORD.findall(f"{values.get('title', '')} {values.get('requirements', '')}".lower())
    )
    matched = {
        skill for skill, keywords in flow.skills.items() if words & {k.lower() for k in keywords}
    }
    return tuple(sorted(set(ticket_type.skills) | matched))


def route(
    values: Mapping[str, Any],
    ticket_type: TicketType,
    flow: FlowConfig,
    open_tickets: Mapping[str, int],
) -> Routing:
    """The obvious owner: the one engineer who covers the most needed skills, if nobody ties
    with them and they have room under their WIP limit. Otherwise nobody: the staff meeting
    decides."""
    skills = needed_skills(values, ticket_type, flow)
    if not skills:
        return Routing(skills, None, "no skill matched: for the staff meeting")
    scored = [
        (len(set(skills) & set(m.skills)), m)
        for m in flow.members_with_role("engineer")
        if set(skills) & set(m.skills)
    ]
    if not scored:
        return Routing(skills, None, f"nobody has {', '.join(skills)}: for the staff meeting")
    best = max(score for score, _ in scored)
    top = [m for score, m in scored if score == best]
    if len(top) > 1:
        names = ", ".join(m.name for m in top)
        return Routing(skills, None, f"{names} fit equally well: for the staff meeting")
    owner = top[0]
    if open_tickets.get(owner.id, 0) >= owner.wip_limit:
        return Routing(
            skills, None, f"{owner.name} fits but is at their WIP limit ({owner.wip_limit})"
        )
    return Routing(
        skills, owner, f"{owner.name} covers {', '.join(sorted(set(skills) & set(owner.skills)))}"
    )
