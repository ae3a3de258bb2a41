"""Triage policies: is a ticket complete, how complex is it, who obviously owns it.

Pure functions of the ticket and the flow config, so each decision can be explained (the
reasons are stored on the ticket) and re-run: the rules are data in the flow config.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .drafts import missing_fields
from .flow import FlowConfig, Member, TicketType, TriageRules

_WORD = re.compile(r"[a-z0-9]+(?:[+#.-][a-z0-9]+)*")
# Markup is not the requester's words: a script or style element with what it holds, a
# comment, a tag, an entity (`<script>alert(1)</script>` asks nothing of monitoring).
_MARKUP = re.compile(
    r"<(script|style)\b.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)|</?[a-z][^<>]*>|&#?\w+;",
    re.IGNORECASE | re.DOTALL,
)
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
    # Skill -> the words of the ticket that called for it, in the order they appear.
    words: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


def skill_words(values: Mapping[str, Any], flow: FlowConfig) -> dict[str, tuple[str, ...]]:
    """Each skill whose keywords are words of the title or the requirements (whole words,
    markup left out), with those words."""
    text = f"{values.get('title', '')} {values.get('requirements', '')}"
    words = _WORD.findall(_MARKUP.sub(" ", text).lower())
    found = {}
    for skill, keywords in flow.skills.items():
        wanted = {k.lower() for k in keywords}
        hits = tuple(dict.fromkeys(w for w in words if w in wanted))
        if hits:
            found[skill] = hits
    return found


def needed_skills(
    values: Mapping[str, Any], ticket_type: TicketType, flow: FlowConfig
) -> tuple[str, ...]:
    return tuple(sorted(set(ticket_type.skills) | set(skill_words(values, flow))))


def _decided_by(words: Mapping[str, tuple[str, ...]], ticket_type: TicketType) -> str:
    """Which words (and the type's own skills) made the skills, for the routing event."""
    parts = [
        f"{', '.join(f'“{w}”' for w in hits)} ({skill})" for skill, hits in sorted(words.items())
    ]
    if ticket_type.skills:
        parts.append(f"the {ticket_type.name} type ({', '.join(ticket_type.skills)})")
    return f"; decided by {' and '.join(parts)}" if parts else ""


def route(
    values: Mapping[str, Any],
    ticket_type: TicketType,
    flow: FlowConfig,
    open_tickets: Mapping[str, int],
    words: Mapping[str, tuple[str, ...]] | None = None,
) -> Routing:
    """The obvious owner: the one engineer who covers the most needed skills, if nobody ties
    with them and they have room under their WIP limit. Otherwise nobody: the staff meeting
    decides. The reason names the words that decided the skills: the text's, unless `words`
    says others did (a tool's labels)."""
    words = skill_words(values, flow) if words is None else words
    skills = tuple(sorted(set(ticket_type.skills) | set(words)))
    owner, reason = _owner(skills, flow, open_tickets)
    return Routing(skills, owner, reason + _decided_by(words, ticket_type), words)


def _owner(
    skills: tuple[str, ...], flow: FlowConfig, open_tickets: Mapping[str, int]
) -> tuple[Member | None, str]:
    if not skills:
        return None, "no skill matched: for the staff meeting"
    scored = [
        (len(set(skills) & set(m.skills)), m)
        for m in flow.members_with_role("engineer")
        if set(skills) & set(m.skills)
    ]
    if not scored:
        return None, f"nobody has {', '.join(skills)}: for the staff meeting"
    best = max(score for score, _ in scored)
    top = [m for score, m in scored if score == best]
    if len(top) > 1:
        names = ", ".join(m.name for m in top)
        return None, f"{names} fit equally well: for the staff meeting"
    owner = top[0]
    if open_tickets.get(owner.id, 0) >= owner.wip_limit:
        return None, f"{owner.name} fits but is at their WIP limit ({owner.wip_limit})"
    return owner, f"{owner.name} covers {', '.join(sorted(set(skills) & set(owner.skills)))}"
