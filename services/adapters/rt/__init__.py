"""Request Tracker's REST2 API, read for `rtflow import-rt` (services/application/rt_import)."""

from .client import RtClient, RtUnavailable
from .reader import RtReader

__all__ = ["RtClient", "RtReader", "RtUnavailable"]
