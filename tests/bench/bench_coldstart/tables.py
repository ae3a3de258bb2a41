"""The tables the cold-start benchmark prints, and their legend."""

from __future__ import annotations

from typing import Any

from tests.bench.tables import render

from .handlers import FIRST_REQUEST
from .package import LAMBDA_LIMIT_BYTES
from .subjects import FLOOR


def _top(packages: dict[str, dict[str, Any]], n: int = 5) -> str:
    return ", ".join(f"{name} {info['ms']:.0f}" for name, info in list(packages.items())[:n])


def mode_table(result: dict[str, Any]) -> str:
    rows = result["rows"]
    floor = next(r for r in rows if r["subject"] == FLOOR)
    head = [
        "handler / floor",
        "import ms",
        "vs floor",
        "1st call ms",
        "import+1st",
        "vs floor",
        "CPU ms",
        "× floor",
        "process ms",
        "heaviest imports (cumulative ms, import + 1st call)",
    ]
    floor_total = floor["ms_import_median"] + floor["ms_first_call_median"]
    floor_cpu = cpu_ms(floor)
    body = []
    for r in rows:
        if "ms_import_median" not in r:
            row = [r["subject"], *[""] * 7, f"{r['ms_process_median']:.0f}", ""]
            body.append(row)
            continue
        total = r["ms_import_median"] + r["ms_first_call_median"]
        handler = r["handler"]
        body.append(
            [
                f"{r['function']}: {r['subject']}" if handler else r["subject"],
                f"{r['ms_import_median']:.0f}",
                f"{r['ms_import_median'] - floor['ms_import_median']:+.0f}" if handler else "",
                f"{r['ms_first_call_median']:.0f}",
                f"{total:.0f}",
                f"{total - floor_total:+.0f}" if handler else "",
                f"{cpu_ms(r):.0f}",
                f"{cpu_ms(r) / floor_cpu:.2f}" if handler and floor_cpu else "",
                f"{r['ms_process_median']:.0f}",
                _top(r.get("third_party", {})),
            ]
        )
    return render(head, body)


def cpu_ms(row: dict[str, Any]) -> float:
    """CPU ms of import + first call (median): what a busy machine does not inflate."""
    return float(row.get("ms_cpu_import_median", 0.0) + row.get("ms_cpu_first_call_median", 0.0))


def graph_table(result: dict[str, Any]) -> str:
    """Each handler's import graph: our modules and the packages they import, cumulative ms
    (* first imported by the first call), indented by level."""
    lines = []
    for r in result["rows"]:
        if not r["handler"] or not r.get("import_graph"):
            continue
        lines.append(f"{r['function']} ({r['subject']})")
        for node in r["import_graph"]:
            star = "*" if node["phase"] == "first-call" else ""
            lines.append(f"{'  ' * (node['depth'] + 1)}{node['name']} {node['ms']:.0f}{star}")
    return "\n".join(lines)


def matrix_table(result: dict[str, Any]) -> str:
    """Third-party packages by handler: cumulative ms (* when first imported by the first call),
    and the module of ours that imports each."""
    handlers = [r for r in result["rows"] if r["handler"]]
    packages: dict[str, set[str]] = {}
    for r in handlers:
        for name, info in r["third_party"].items():
            if info["nested_in"] is None:
                chain = info["chain"]
                packages.setdefault(name, set()).add(chain[-1] if chain else "(a function)")
    order = sorted(
        packages,
        key=lambda p: -max(r["third_party"].get(p, {}).get("ms", 0) for r in handlers),
    )
    head = ["package", *(r["function"] for r in handlers), "imported by"]
    body = []
    for name in order:
        cells = []
        for r in handlers:
            info = r["third_party"].get(name)
            if info is None:
                cells.append(".")
            else:
                cells.append(f"{info['ms']:.0f}{'*' if info['phase'] == 'first-call' else ''}")
        body.append([name, *cells, ", ".join(sorted(packages[name]))])
    return render(head, body)


def own_table(result: dict[str, Any], n: int = 5) -> str:
    head = ["handler", "ours ms", f"our {n} slowest module bodies (self ms)"]
    body = [
        [
            r["function"],
            f"{r['own_ms']:.0f}",
            ", ".join(f"{m} {ms:.0f}" for m, ms in list(r["own_modules_ms"].items())[:n]),
        ]
        for r in result["rows"]
        if r["handler"]
    ]
    return render(head, body)


def _step(line: str) -> str:
    if line == FIRST_REQUEST:
        return "DynamoDB client"
    line = line.replace("__c = __container()", "container()").replace("__c", "c")
    if line.startswith("from "):
        return "import " + line[len("from ") :].partition(" import ")[0]
    return line


def steps_table(result: dict[str, Any], min_ms: float = 1.0) -> str:
    """Each first call, step by step (median ms; steps under `min_ms` left out)."""
    head = ["handler / floor", "1st call ms", "its steps (median ms)"]
    body = []
    for r in result["rows"]:
        if not r.get("first_call_steps"):
            continue
        steps = sorted(r["first_call_steps"], key=lambda s: -s["ms_median"])
        shown = [
            f"{_step(s['step'])} {s['ms_median']:.0f}" for s in steps if s["ms_median"] >= min_ms
        ]
        label = r["function"] or r["subject"]
        body.append([label, f"{r['ms_first_call_median']:.0f}", ", ".join(shown)])
    return render(head, body)


def package_tables(sizes: dict[str, Any], loaded: set[str]) -> str:
    if not sizes["present"]:
        return sizes["note"]
    code, deps = sizes["code"], sizes["deps"]
    mb = 1024 * 1024
    unzipped = code["unzipped_bytes"] + deps["unzipped_bytes"]
    lines = [
        f"rtflow.zip {code['bytes'] / 1024:,.0f} KB ({code['files']} files, "
        f"{code['unzipped_bytes'] / 1024:,.0f} KB unzipped, built {code['modified']}); "
        f"deps.zip {deps['bytes'] / mb:,.1f} MB ({deps['files']:,} files, "
        f"{deps['unzipped_bytes'] / mb:,.1f} MB unzipped, built {deps['modified']})",
        f"function + layer unzipped: {unzipped / mb:,.1f} MB of Lambda's 250 MB "
        f"({100 * unzipped / LAMBDA_LIMIT_BYTES:.0f} %)"
        + (
            f"; build/layer/python on disk: {sizes['layer_dir_bytes'] / mb:,.1f} MB"
            if "layer_dir_bytes" in sizes
            else ""
        ),
    ]
    if sizes["stale_inputs"]:
        lines.append(
            f"note: {', '.join(sizes['stale_inputs'])} changed after deps.zip was built: "
            "`make package` again for current sizes"
        )
    head = ["layer package", "unzipped MB", "zipped MB", "imported by a cold start"]
    body = []
    for g in deps["by_top"][:10]:
        name = g["name"].removesuffix(".py")
        used = "-" if name == "*.dist-info" else ("yes" if name in loaded else "no")
        body.append([g["name"], f"{g['unzipped'] / mb:.1f}", f"{g['zipped'] / mb:.1f}", used])
    lines += ["", render(head, body)]
    unused = [
        g
        for g in deps["by_top"]
        if g["name"].removesuffix(".py") not in loaded and g["name"] != "*.dist-info"
    ]
    if loaded and unused:
        lines.append(
            "in the layer, imported by no handler's import or first call: "
            + ", ".join(f"{g['name']} {g['unzipped'] / mb:.1f} MB" for g in unused)
        )
    return "\n".join(lines)


LEGEND = """\
import: `import <handler module>` in a new process (median of the runs). 1st call: what the
handler's first invocation builds before its first AWS request (its lazy imports, the
container's clients and repositories, the flow config, the Flask app: the steps tables) and
the DynamoDB client its first request builds, when the first call built the table (one for
every model: the `dynamo` row; the web function's first page is not counted). vs floor: minus the same column of `boto3 + pynamodb` (its 1st
call: one boto3 client from a new Session, as the container builds each). process: the
child's wall time, interpreter start and exit included. Heaviest imports: third-party packages
by cumulative -X importtime ms (median of 3 runs; a package's time includes what it imports,
so botocore is inside pynamodb or boto3). Our own modules: their bodies' self time, pydantic
building their models included (and any garbage collection that struck during them).
Matrix: * = first imported by the first call, not at import; . = not imported.
CPU ms: the child's process time over import + 1st call (median), × floor against the floor's:
the goal's measure (≤ 1.2× for a worker, ≤ 1.5× for the web function), steady when the
machine is busy, where wall times grow with the load. Import graph: one -X importtime run
(the median total of its runs), imports of 4 ms or more, 4 levels, a third-party package
as one node."""
