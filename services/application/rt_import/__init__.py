"""Come from Request Tracker: `rtflow import-rt` (importing.py says how)."""

from .importing import RtImport, RtSummary, import_rt
from .records import Person, RtFile, RtRecord, RtSource, moment

__all__ = [
    "Person",
    "RtFile",
    "RtImport",
    "RtRecord",
    "RtSource",
    "RtSummary",
    "import_rt",
    "moment",
]
