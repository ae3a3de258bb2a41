"""The report's charts: inline SVG drawn by pygal, with no script in them."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from services.domain.reports import Report

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)


def _svg(chart: Any) -> Markup:
    """The chart as inline SVG without any script: pygal writes its config as one even with
    js=[], and mail clients and the staff page's CSP would refuse it. Its text (member names,
    type names) is XML-escaped by pygal; ticket titles never go into a chart."""
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    if "<script" in svg.lower():
        raise ValueError("a chart still holds a script")
    return Markup(svg)  # noqa: S704 - built by pygal's XML writer, scripts removed above


def charts(report: Report) -> dict[str, Markup]:
    import pygal  # deferred: only rendering needs it

    config = pygal.Config(
        js=[],
        disable_xml_declaration=True,
        explicit_size=True,
        width=720,
        height=300,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        print_values=False,
        show_minor_x_labels=True,
        truncate_legend=-1,
        truncate_label=-1,
        show_dots=False,
        style=pygal.style.Style(
            background="white",
            plot_background="white",
            font_family="Helvetica, Arial, sans-serif",
        ),
    )
    out: dict[str, Markup] = {}

    aging = pygal.StackedBar(config, title="Open tickets by age (days since filing)")
    aging.x_labels = list(report.aging.buckets)
    for row in report.aging.by_status:
        if row.total:
            aging.add(row.name, list(row.counts))
    out["aging"] = _svg(aging)

    states = pygal.HorizontalBar(config, title="Time in each status (hours): median and p85")
    shown = [s for s in report.time_in_state if s.stints]
    states.x_labels = [s.state for s in shown]
    states.add("median", [s.median_hours for s in shown])
    states.add("p85", [s.p85_hours for s in shown])
    out["states"] = _svg(states)

    flow = pygal.StackedLine(
        config, title="Cumulative flow (tickets at the end of each day)", fill=True
    )
    flow.x_labels = [p.day.strftime("%m-%d") for p in report.cfd.points]
    flow.x_labels_major_every = 7
    flow.show_minor_x_labels = False
    flow.x_label_rotation = 30
    for band in reversed(report.cfd.bands):  # done at the bottom, new on top
        flow.add(band, [p.counts.get(band, 0) for p in report.cfd.points])
    out["cfd"] = _svg(flow)

    done = pygal.Bar(config, title="Tickets finished per day", show_legend=False)
    done.x_labels = [d.day.strftime("%m-%d") for d in report.daily_done]
    done.x_labels_major_every = 7
    done.show_minor_x_labels = False
    done.x_label_rotation = 30
    done.add("finished", [d.done for d in report.daily_done])
    out["throughput"] = _svg(done)

    wip = pygal.Bar(config, title="WIP per engineer against the limit")
    wip.x_labels = [r.name for r in report.wip]
    wip.add("open tickets owned", [r.wip for r in report.wip])
    wip.add("WIP limit", [r.limit for r in report.wip])
    out["wip"] = _svg(wip)

    lines = [report.forecast.queue, *report.forecast.owners]
    forecast = pygal.HorizontalBar(config, title="Days until the open tickets are done")
    forecast.x_labels = [f.name for f in lines]
    forecast.add("P50", [f.p50_days for f in lines])
    forecast.add("P85", [f.p85_days for f in lines])
    out["forecast"] = _svg(forecast)
    return out
