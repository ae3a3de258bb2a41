"""Rendering a report: an HTML page with SVG charts, one CSV (a section per table), JSON."""

from __future__ import annotations

import csv
import functools
import io
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.domain.reports import Report

from .charts import charts
from .tables import tables

FORMATS = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
# Rows the HTML lists show (the CSV and the JSON hold them all).
HTML_ROWS = 50


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("services.application", "templates/reports"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["duration"] = duration
    return env


def duration(hours: float | None) -> str:
    """Hours as a person reads them: minutes, hours, or days past two days."""
    if hours is None:
        return "–"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def render_html(report: Report, base_url: str = "", *, with_charts: bool = True) -> str:
    return (
        environment()
        .get_template("report.html")
        .render(
            r=report,
            charts=charts(report) if with_charts else {},
            base_url=base_url.rstrip("/"),
            rows=HTML_ROWS,
        )
    )


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def _cell(value: Any) -> Any:
    """None as an empty cell; text that a spreadsheet would run as a formula, quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(report: Report) -> str:
    """One CSV with a section per table: a line naming it ("# aging_by_status"), its header,
    its rows, and an empty line before the next."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, (name, header, rows) in enumerate(tables(report)):
        if i:
            writer.writerow([])
        writer.writerow([f"# {name}"])
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def render(report: Report, fmt: str, base_url: str = "") -> str:
    if fmt == "html":
        return render_html(report, base_url)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "json":
        return render_json(report)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
