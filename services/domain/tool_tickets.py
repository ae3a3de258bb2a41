"""Tickets from tools: the skills a tool's labels name, and what changed in an alert group
since its ticket last heard of it (which alerts joined, which stopped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .events import Event
from .flow import FlowConfig, TicketType
from .inbound import Alert

# The key of an event's data that holds the alerts firing after it (fingerprint -> name):
# the filing, each change a notification made, the resolution.
FIRING = "firing"
# How many alerts are named in a sentence before "and N more".
_NAMED = 5


def label_skills(
    labels: Mapping[str, Sequence[str]], ticket_type: TicketType, flow: FlowConfig
) -> dict[str, tuple[str, ...]]:
    """Each skill named by a value of the labels the type reads (`skill_labels`), with the
    labels that named it ("service=mariadb"): a skill's name, or one of its words."""
    read = {name.lower() for name in ticket_type.skill_labels}
    given = [
        (f"{name}={value.strip()}", value.strip().lower())
        for name, values in labels.items()
        if name.lower() in read
        for value in values
    ]
    found: dict[str, tuple[str, ...]] = {}
    for skill, words in flow.skills.items():
        names = {skill.lower(), *(w.lower() for w in words)}
        hits = tuple(dict.fromkeys(label for label, value in given if value in names))
        if hits:
            found[skill] = hits
    return found


def firing_before(history: Sequence[Event]) -> dict[str, str] | None:
    """The alerts firing when the ticket last heard of its group; None if it never did (a
    ticket filed before alerts were followed)."""
    for event in reversed(history):
        state = event.data.get(FIRING)
        if isinstance(state, dict):
            return {str(k): str(v) for k, v in state.items()}
    return None


def listed(names: Sequence[str]) -> str:
    """Alerts by name, the first few of them: "A; B and 3 more"."""
    shown = "; ".join(names[:_NAMED])
    return shown + (f" and {len(names) - _NAMED} more" if len(names) > _NAMED else "")


@dataclass(frozen=True)
class AlertChange:
    """A group's notification against what its ticket knew."""

    firing: dict[str, str]  # after it: fingerprint -> name
    joined: list[str]
    stopped: list[str]
    known: bool  # the ticket knew which alerts fired before

    @property
    def nothing_new(self) -> bool:
        return self.known and not self.joined and not self.stopped

    def words(self, where: str) -> str:
        """What changed, for the ticket's history: counts first, then the names."""
        count = len(self.firing)
        now = f"{count} firing now" if count else "none firing now"
        if not self.known:
            said = f"Reported again in {where}; {now}."
            return f"{said}\nFiring: {listed(list(self.firing.values()))}" if count else said
        moved = [
            f"{len(names)} alert{'s' if len(names) != 1 else ''} {what}"
            for names, what in ((self.joined, "joined"), (self.stopped, "stopped firing"))
            if names
        ]
        lines = [f"In {where}: {', '.join(moved)}; {now}."]
        if self.joined:
            lines.append(f"Joined: {listed(self.joined)}")
        if self.stopped:
            lines.append(f"Stopped firing: {listed(self.stopped)}")
        return "\n".join(lines)


def alert_change(before: dict[str, str] | None, alerts: Sequence[Alert]) -> AlertChange:
    firing = {a.id: a.name for a in alerts if a.firing}
    known = before or {}
    return AlertChange(
        firing=firing,
        joined=[name for key, name in firing.items() if key not in known],
        stopped=[name for key, name in known.items() if key not in firing],
        known=before is not None,
    )
