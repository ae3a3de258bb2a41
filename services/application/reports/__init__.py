"""Reports: read what they need through the ports and compute them (gather), render them as
an HTML page with SVG charts, one CSV and JSON (render, charts, tables), store them for the
day or the week and mail the team a digest once per period (publish)."""

from .gather import Gathered, ReportDeps, gather, generate, steps
from .publish import Published, publish, summary
from .render import FORMATS, duration, render, render_csv, render_html, render_json

__all__ = [
    "FORMATS",
    "Gathered",
    "Published",
    "ReportDeps",
    "duration",
    "gather",
    "generate",
    "publish",
    "render",
    "render_csv",
    "render_html",
    "render_json",
    "steps",
    "summary",
]
