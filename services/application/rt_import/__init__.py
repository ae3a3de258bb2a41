"""Come from Request Tracker: `rtflow import-rt` (importing.py says how)."""

from .importing import RtImport, RtSummary, import_rt
from .records import Person, RtRecord, RtSource, moment

__all__ = ["Person", "RtImport", "RtRecord", "RtSource", "RtSummary", "import_rt", "moment"]
