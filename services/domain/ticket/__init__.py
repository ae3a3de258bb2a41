"""The Ticket aggregate: one record, its actions grouped by concern in mixins.

`Ticket` is the only class callers use; the mixins exist to keep each concern readable.
"""

from ..lifecycle import FINISHED
from .asking import AskingMixin
from .attaching import AttachingMixin
from .conversation import ConversationMixin
from .correcting import CorrectingMixin
from .ending import EndingMixin
from .filing import FilingMixin
from .links import LinksMixin
from .merging import MergingMixin
from .record import Change, Escalation, WipChange
from .timing import TimingMixin
from .triage import TriageMixin
from .watching import WatchingMixin
from .work import WorkMixin

__all__ = ["FINISHED", "Change", "Escalation", "Ticket", "WipChange"]


class Ticket(
    FilingMixin,
    TriageMixin,
    WorkMixin,
    ConversationMixin,
    AskingMixin,
    CorrectingMixin,
    EndingMixin,
    LinksMixin,
    TimingMixin,
    WatchingMixin,
    MergingMixin,
    AttachingMixin,
):
    """What was asked, where it stands, and every action that changes it."""
