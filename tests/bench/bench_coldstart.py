"""Cold start: what each Lambda function pays before it does its work, and what it deploys.

Issue 7 asks for the import time of each Lambda handler module in a fresh interpreter, next
to the floor (boto3 and pynamodb alone) in the same run, and the size of the deployment
package. Every `handler:` of serverless.yml is measured, each run a new process (a cold start
is one), the subjects interleaved round by round so that a busy machine slows them alike:

- import: `import <handler module>`, timed inside the child with perf_counter (the Lambda
  runtime has started Python and imported json by then, and so has the child);
- first call: the handlers defer the composition root to their first invocation (so a cold
  start pays for it in the first request, not at import). This column times what that first
  call builds before its first AWS request, read off the handler's source (`first_call_plan`):
  its function-level imports, the container attributes it reads (on any path: clients,
  repositories, the flow config), `c.client("...")` calls, and calls such as
  `create_app(container())`. No AWS request is made; the DynamoDB clients pynamodb builds on
  the first request (one per model class) are not counted: the `dynamo` row shows them;
- the floor, in the same rounds: `python -c pass`, `import boto3`, `import pynamodb.models`,
  both (its first call: one boto3 client, from a new Session as the container builds them);
  and the DynamoDB clients of three pynamodb model classes (each class has its own);
- which third-party packages each handler imports, and through which of our modules: three
  extra runs per handler with `-X importtime`, medians (attribution only; its times carry the
  flag's overhead). The layer modes' runs are min(--runs, 3) (~1 s a process uncached).

Three interpreters and file sets ("modes"):

- venv: .venv/bin/python and its site-packages, .pyc caches warm (written on earlier runs);
- layer, no .pyc: what infra/package.sh deploys. The layer is installed with --no-compile and
  the zips exclude __pycache__; Lambda's /opt and /var/task are read-only, so the runtime
  cannot write caches either: every cold start compiles every module it imports from source.
  Run with a Python 3.12 (the runtime's; the layer's wheels are cp312) on build/layer/python and
  a copy of the code as serverless.yml packages it, `-I -S -B`;
- layer, .pyc: the same files with warm caches (`-X pycache_prefix`, warmed by an untimed
  round): what a layer compiled for 3.12 would cost.

The layer modes need `make package` (build/layer) and a python3.12 (PATH, pyenv or
RTFLOW_BENCH_PYTHON312); without them they are skipped with a note. Package sizes are read
from .serverless/ and build/layer; the bench never runs `make package` itself (npm, pip and
osls; ~30 s warm, network on a fresh machine).
"""

from __future__ import annotations

import ast
import contextlib
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

import yaml

from tests.bench.bench_scheduler import _render, log, machine

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS = ROOT / "serverless.yml"
PACKAGE_DIR = ROOT / ".serverless"
LAYER = ROOT / "build" / "layer" / "python"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
LAMBDA_LIMIT_BYTES = 250 * 1024 * 1024  # unzipped: function code and all its layers
CONTAINER_FUNCS = ("container", "_container")  # the composition root, as handlers call it
OURS = ("services", "infra", "tests")
# The settings serverless.yml gives the functions (values made up; nothing is called).
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "RTFLOW_TABLE_NAME": "rtflow-bench-tickets",
    "RTFLOW_NOTIFY_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/notify",
    "RTFLOW_TRIAGE_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/triage",
    "RTFLOW_INBOUND_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/inbound",
    "RTFLOW_WEBHOOKS_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/webhooks",
    "RTFLOW_MAIL_BUCKET": "rtflow-bench-mail",
    "RTFLOW_REPORTS_BUCKET": "rtflow-bench-reports",
    "RTFLOW_BASE_URL": "https://tickets.example.org",
    "RTFLOW_MAIL_FROM": "RT Flow <rtflow@example.org>",
    "RTFLOW_SECRET_KEY": "bench-secret-" * 4,
}
FLOORS = {
    "python -c pass": None,
    "import boto3": ["boto3"],
    "import pynamodb.models": ["pynamodb.models"],
    "boto3 + pynamodb": ["boto3", "pynamodb.models"],
}
FLOOR = "boto3 + pynamodb"
FLOOR_FIRST_CALL = "import boto3\nboto3.session.Session().client('sqs')\n"
# Not in any first call above, as it comes with the first request: pynamodb gives each model
# class its own connection, so its own botocore Session and DynamoDB client. What the
# clients of three of TableModels' classes cost (the transactions' is its `connection`).
DYNAMO = "dynamo: 3 DynamoDB clients"
DYNAMO_FIRST_CALL = """\
from services.adapters.dynamo import TableModels
m = TableModels("rtflow-bench-tickets", "eu-west-1")
m.Ticket._get_connection().connection.client
m.Event._get_connection().connection.client
m.connection.client
"""

# The child: times the imports and the first call; markers on stderr split -X importtime's lines.
CHILD = """\
import json, sys, time
spec = json.loads(sys.argv[1])
sys.path[0:0] = spec["path"]
t0 = time.perf_counter()
sys.stderr.write("@@import\\n"); sys.stderr.flush()
for name in spec["modules"]:
    __import__(name)
t1 = time.perf_counter()
sys.stderr.write("@@first-call\\n"); sys.stderr.flush()
steps, namespace = [], {"__name__": "first_call"}
for line in spec["first_call"].splitlines():
    s = time.perf_counter()
    exec(compile(line, "<first call>", "exec"), namespace)
    steps.append(time.perf_counter() - s)
t2 = time.perf_counter()
sys.stderr.write("@@end\\n"); sys.stderr.flush()
import sysconfig
std = tuple({sysconfig.get_paths()[k] + "/" for k in ("stdlib", "platstdlib")})
third_party = []
for name, module in list(sys.modules.items()):
    where = getattr(module, "__file__", None) or ""
    if "." not in name and where and ("-packages/" in where or not where.startswith(std)):
        third_party.append(name)
print(json.dumps({"import": t1 - t0, "first_call": t2 - t1, "steps": steps,
                  "modules": len(sys.modules), "third_party": sorted(third_party)}))
"""


# -- what to measure ----------------------------------------------------------------------------


class _TolerantLoader(yaml.SafeLoader):
    """serverless.yml with its CloudFormation tags (!Ref, !GetAtt, ...) read as None."""


_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_SCHEDULE = re.compile(r"(?<![\w\"'])(?:cron|rate)\([^)]*\)")


def handlers_from_serverless(text: str) -> list[tuple[str, str]]:
    """(function name, module) of every function of serverless.yml, in its order:
    `services/intake/handler.handler` is module services.intake.handler."""
    # `{rate: cron(0 5 * * ? *)}`: js-yaml (osls) reads the `?` as text, PyYAML as a key
    # indicator in a flow mapping and fails. Quoted, both read the same string.
    text = _SCHEDULE.sub(lambda m: json.dumps(m.group(0)), text)
    doc = yaml.load(text, Loader=_TolerantLoader) or {}  # noqa: S506 - a SafeLoader subclass
    out = []
    for name, spec in (doc.get("functions") or {}).items():
        path = (spec or {}).get("handler")
        if path:
            module_path, _, _function = path.rpartition(".")
            out.append((name, module_path.replace("/", ".")))
    return out


def _absolute(module: str | None, level: int, package: str) -> str:
    if not level:
        return module or ""
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{module}" if module else base


def first_call_plan(source: str, module: str) -> str:
    """Python source that builds what the handler's first call builds before any AWS request,
    read off the handler module's source:

    - every import inside a function (made absolute);
    - every attribute read off the container (`c = container(); c.tickets`,
      `_container().flow`), on any path, and `c.client("s3")`-like calls with constant args;
    - calls of the function-level imports whose arguments are constants or the container
      (`create_app(container())`, `default_poster()`).
    """
    tree = ast.parse(source)
    package = module.rpartition(".")[0]
    imports: list[str] = []
    lazy: set[str] = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom):
                names = ", ".join(
                    a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names
                )
                line = f"from {_absolute(node.module, node.level, package)} import {names}"
                lazy.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                line = "import " + ", ".join(a.name for a in node.names)
            else:
                continue
            if line not in imports:
                imports.append(line)

    def is_container_call(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in CONTAINER_FUNCS
        )

    holders = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and is_container_call(node.value)
        for t in node.targets
        if isinstance(t, ast.Name)
    }

    def is_container(node: ast.AST) -> bool:
        return is_container_call(node) or (isinstance(node, ast.Name) and node.id in holders)

    def arg(node: ast.AST) -> str | None:
        if is_container(node):
            return "__c"
        if isinstance(node, ast.Constant):
            return repr(node.value)
        return None

    def call_args(node: ast.Call) -> str | None:
        parts = [arg(a) for a in node.args] + [
            None if k.arg is None else (f"{k.arg}={v}" if (v := arg(k.value)) else None)
            for k in node.keywords
        ]
        return None if None in parts else ", ".join(p for p in parts if p is not None)

    attrs: list[str] = []
    calls: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_container(node.value):
            if node.attr not in attrs:
                attrs.append(node.attr)
        elif isinstance(node, ast.Call):
            func, args = node.func, None
            if isinstance(func, ast.Attribute) and is_container(func.value):
                args = call_args(node)
                line = f"__c.{func.attr}({args})"
            elif isinstance(func, ast.Name) and func.id in lazy - set(CONTAINER_FUNCS):
                args = call_args(node)
                line = f"{func.id}({args})"
            if args is not None and line not in calls:
                calls.append(line)
    lines = [
        *imports,
        "from services.adapters.bootstrap import container as __container",
        "__c = __container()",
        *(f"__c.{a}" for a in attrs),
        *calls,
    ]
    return "\n".join(lines) + "\n"


# -- reading -X importtime ----------------------------------------------------------------------


@dataclass
class Imported:
    name: str
    self_us: int
    cumulative_us: int
    depth: int
    phase: str
    parent: int | None = None  # index of the entry that imported it


def parse_importtime(stderr: str) -> list[Imported]:
    """The entries of `-X importtime` between the child's @@import and @@end markers, each with
    its phase (import or first-call) and the index of its parent (the import it ran inside:
    entries are printed when they finish, children first, indented one level deeper)."""
    entries: list[Imported] = []
    phase = None
    for line in stderr.splitlines():
        if line.startswith("@@"):
            phase = {"@@import": "import", "@@first-call": "first-call"}.get(line.strip())
            continue
        if phase is None or not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header
        raw = parts[2].rstrip()
        name = raw.lstrip(" ")
        depth = (len(raw) - len(name) - 1) // 2
        entries.append(Imported(name, int(parts[0]), int(parts[1]), depth, phase))
    # A parent is printed after its children: the first later entry one level up.
    open_children: dict[int, list[int]] = {}
    for i, entry in enumerate(entries):
        for child in open_children.pop(entry.depth + 1, []):
            entries[child].parent = i
        open_children.setdefault(entry.depth, []).append(i)
    return entries


def top_level(name: str) -> str:
    return name.split(".", 1)[0]


def attribute(entries: list[Imported], third_party: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per third-party top-level package (`third_party`: the child's loaded top-level modules
    that are neither stdlib nor ours): its cumulative time in ms (its outermost imports, so
    with what it imports in turn), its own (self) time, the phase it was first imported in,
    the module that imported it, the third-party package that did if any, and the chain of
    our modules that led there (empty: a function's import in the first call)."""
    packages = set(third_party) - set(OURS)
    out: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        package = top_level(entry.name)
        if package not in packages:
            continue
        record = out.setdefault(
            package,
            {
                "ms": 0.0,
                "self_ms": 0.0,
                "phase": None,
                "by": None,
                "nested_in": None,
                "chain": [],
                "first": None,
            },
        )
        record["self_ms"] += entry.self_us / 1000
        ancestors = []
        j = entry.parent
        while j is not None:
            ancestors.append(entries[j].name)
            j = entries[j].parent
        if any(top_level(a) == package for a in ancestors):
            continue  # inside an import of its own package: counted there
        record["ms"] += entry.cumulative_us / 1000
        if record["first"] is None or i < record["first"]:
            record["first"] = i
            record["phase"] = entry.phase
            record["by"] = ancestors[0] if ancestors else None
            outer = [top_level(a) for a in ancestors if top_level(a) in packages]
            record["nested_in"] = outer[-1] if outer else None
            record["chain"] = [a for a in reversed(ancestors) if top_level(a) in OURS]
    for record in out.values():
        record["ms"] = round(record["ms"], 1)
        record["self_ms"] = round(record["self_ms"], 1)
        del record["first"]
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["ms"]))


def own_time(entries: list[Imported]) -> dict[str, float]:
    """Self ms of each of our modules: running its body, pydantic building its models'
    validators included (a class statement runs when its module is imported)."""
    out = {e.name: round(e.self_us / 1000, 1) for e in entries if top_level(e.name) in OURS}
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def merge_attributions(runs: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Several runs' attributions as one: median times, the first run's provenance."""
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(n for run in runs for n in run):
        first = next(run[name] for run in runs if name in run)
        out[name] = first | {
            key: round(statistics.median(run.get(name, {}).get(key, 0.0) for run in runs), 1)
            for key in ("ms", "self_ms")
        }
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["ms"]))


# -- running the children -----------------------------------------------------------------------


@dataclass
class Mode:
    name: str
    python: str
    flags: list[str]
    path: list[str]
    cwd: Path
    note: str


@dataclass
class Subject:
    label: str
    modules: list[str] | None  # None: the bare interpreter (`-c pass`)
    first_call: str = ""
    handler: bool = False
    function: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)


def _env() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("RTFLOW_", "AWS_", "PYTHON"))}
    return keep | ENV


def run_child(mode: Mode, subject: Subject, importtime: bool = False) -> tuple[dict, str]:
    """One fresh process: (timings in seconds with the process's wall time, stderr)."""
    if subject.modules is None:
        argv = [mode.python, *mode.flags, "-c", "pass"]
    else:
        spec = {"path": mode.path, "modules": subject.modules, "first_call": subject.first_call}
        flags = [*mode.flags, "-X", "importtime"] if importtime else mode.flags
        argv = [mode.python, *flags, "-c", CHILD, json.dumps(spec)]
    start = perf_counter()
    done = subprocess.run(  # noqa: S603 - our interpreter, our code
        argv, cwd=mode.cwd, env=_env(), capture_output=True, text=True, check=False
    )
    wall = perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join(done.stderr.splitlines()[-15:])
        raise RuntimeError(f"{mode.name}: {subject.label} failed:\n{tail}")
    timings = json.loads(done.stdout) if subject.modules is not None else {}
    return timings | {"process": wall}, done.stderr


def _median_ms(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 1)


def measure(mode: Mode, subjects: list[Subject], runs: int, attribution_runs: int = 3):
    """An untimed round, then `runs` rounds of every subject in turn; then -X importtime runs
    (`attribution_runs` of each, medians)."""
    for subject in subjects:  # warms the page cache (and the .pyc prefix of that mode)
        run_child(mode, subject)
    for r in range(runs):
        log(f"coldstart [{mode.name}] round {r + 1}/{runs}")
        for subject in subjects:
            timings, _ = run_child(mode, subject)
            for key in ("import", "first_call", "process"):
                if key in timings:
                    subject.samples.setdefault(key, []).append(timings[key])
            for i, seconds in enumerate(timings.get("steps", [])):
                subject.samples.setdefault(f"step {i}", []).append(seconds)
    rows = []
    for subject in subjects:
        row: dict[str, Any] = {
            "subject": subject.label,
            "function": subject.function,
            "handler": subject.handler,
            "runs": len(subject.samples["process"]),
        }
        for key in ("import", "first_call", "process"):
            if key in subject.samples:
                values = subject.samples[key]
                row[f"ms_{key}_median"] = _median_ms(values)
                row[f"ms_{key}_min"] = round(1000 * min(values), 1)
                row[f"ms_{key}_runs"] = [round(1000 * v, 1) for v in values]
        if subject.first_call:
            row["first_call_steps"] = [
                {"step": line, "ms_median": _median_ms(subject.samples[f"step {i}"])}
                for i, line in enumerate(subject.first_call.splitlines())
            ]
        if subject.modules is not None:
            attributions, own = [], []
            for _ in range(attribution_runs):
                timings, stderr = run_child(mode, subject, importtime=True)
                entries = parse_importtime(stderr)
                attributions.append(attribute(entries, timings["third_party"]))
                own.append(own_time(entries))
            row["third_party"] = merge_attributions(attributions)
            row["own_ms"] = round(statistics.median(sum(o.values()) for o in own), 1)
            medians = {n: statistics.median(o.get(n, 0.0) for o in own) for n in own[0]}
            row["own_modules_ms"] = {
                n: round(ms, 1) for n, ms in sorted(medians.items(), key=lambda kv: -kv[1])
            }
            row["modules_loaded"] = timings["modules"]
        rows.append(row)
        subject.samples = {}
    return {"mode": mode.name, "note": mode.note, "python": _version(mode.python), "rows": rows}


def _version(python: str) -> str:
    out = subprocess.run(  # noqa: S603
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip()


def find_python312() -> str | None:
    """A working CPython 3.12 (the Lambda runtime's), or None."""
    candidates = [
        os.environ.get("RTFLOW_BENCH_PYTHON312"),
        shutil.which("python3.12"),
        *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12"))),
    ]
    for candidate in filter(None, candidates):
        with contextlib.suppress(OSError):
            check = subprocess.run(  # noqa: S603
                [candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 12)"],
                capture_output=True,
                check=False,
            )
            if check.returncode == 0:
                return candidate
    return None


@contextlib.contextmanager
def lambda_code() -> Iterator[Path]:
    """The function code as serverless.yml packages it (services/ and the example flow config,
    no caches), copied from the checkout into a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="rtflow-coldstart-") as tmp:
        code = Path(tmp) / "task"
        shutil.copytree(
            ROOT / "services",
            code / "services",
            ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"),
        )
        (code / "infra").mkdir()
        shutil.copy2(ROOT / "infra" / "flow.example.yaml", code / "infra")
        yield code


# -- package size -------------------------------------------------------------------------------


def _tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def zip_summary(path: Path, strip: str = "") -> dict[str, Any]:
    """A zip's size, its unzipped size, and both per top-level entry (after `strip`)."""
    groups: dict[str, list[int]] = {}
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    for info in infos:
        name = info.filename.removeprefix(strip)
        top = name.split("/", 1)[0]
        if top.endswith(".dist-info"):
            top = "*.dist-info"
        group = groups.setdefault(top, [0, 0])
        group[0] += info.file_size
        group[1] += info.compress_size
    by_top = sorted(groups.items(), key=lambda kv: -kv[1][0])
    return {
        "bytes": path.stat().st_size,
        "unzipped_bytes": sum(i.file_size for i in infos),
        "files": len(infos),
        "modified": datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds"),
        "by_top": [{"name": n, "unzipped": u, "zipped": z} for n, (u, z) in by_top],
    }


def package_sizes() -> dict[str, Any]:
    out: dict[str, Any] = {"present": False}
    code, deps = PACKAGE_DIR / "rtflow.zip", PACKAGE_DIR / "deps.zip"
    if not (code.is_file() and deps.is_file()):
        out["note"] = "no .serverless/rtflow.zip and deps.zip: run `make package` first"
        return out
    out.update(present=True, code=zip_summary(code), deps=zip_summary(deps, strip="python/"))
    if LAYER.is_dir():
        out["layer_dir_bytes"] = _tree_bytes(LAYER)
    # What infra/package.sh builds the layer from: the dependency list, pinned by constraints.
    stale = []
    with open(ROOT / "pyproject.toml", "rb") as f:
        wanted = "\n".join(tomllib.load(f)["project"]["dependencies"])
    built = ROOT / "build" / "layer-requirements.txt"
    if not built.is_file() or built.read_text(encoding="utf-8").strip() != wanted.strip():
        stale.append("the dependencies of pyproject.toml")
    constraints = ROOT / "constraints.txt"
    if constraints.is_file() and constraints.stat().st_mtime > deps.stat().st_mtime:
        stale.append("constraints.txt")
    out["stale_inputs"] = stale
    return out


# -- tables -------------------------------------------------------------------------------------


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
        "process ms",
        "heaviest imports (cumulative ms, import + 1st call)",
    ]
    floor_total = floor["ms_import_median"] + floor["ms_first_call_median"]
    body = []
    for r in rows:
        if "ms_import_median" not in r:
            body.append([r["subject"], "", "", "", "", "", f"{r['ms_process_median']:.0f}", ""])
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
                f"{r['ms_process_median']:.0f}",
                _top(r.get("third_party", {})),
            ]
        )
    return _render(head, body)


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
    return _render(head, body)


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
    return _render(head, body)


def _step(line: str) -> str:
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
    return _render(head, body)


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
    lines += ["", _render(head, body)]
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
container's clients and repositories, the flow config, the Flask app: the steps tables); not
the DynamoDB clients pynamodb builds on the first request, one per model class used (the
`dynamo` row: three of them). vs floor: minus the same column of `boto3 + pynamodb` (its 1st
call: one boto3 client from a new Session, as the container builds each). process: the
child's wall time, interpreter start and exit included. Heaviest imports: third-party packages
by cumulative -X importtime ms (median of 3 runs; a package's time includes what it imports,
so botocore is inside pynamodb or boto3). Our own modules: their bodies' self time, pydantic
building their models included (and any garbage collection that struck during them).
Matrix: * = first imported by the first call, not at import; . = not imported."""


def run(runs: int = 5, layer_runs: int | None = None) -> dict[str, Any]:
    started = datetime.now(UTC)
    t0 = perf_counter()
    load_before = os.getloadavg()
    functions = handlers_from_serverless(SERVERLESS.read_text(encoding="utf-8"))

    def subjects() -> list[Subject]:
        out = [
            Subject(
                label, modules, first_call=FLOOR_FIRST_CALL if label == FLOOR and modules else ""
            )
            for label, modules in FLOORS.items()
        ]
        out.append(Subject(DYNAMO, ["services.adapters.dynamo"], DYNAMO_FIRST_CALL))
        for function, module in functions:
            path = ROOT / (module.replace(".", "/") + ".py")
            plan = first_call_plan(path.read_text(encoding="utf-8"), module)
            out.append(Subject(module, [module], plan, handler=True, function=function))
        return out

    python = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
    results = []
    notes = []
    venv = Mode("venv", python, [], [], ROOT, ".venv, warm .pyc caches")
    results.append(measure(venv, subjects(), runs, min(runs, 3)))
    python312 = find_python312()
    if not LAYER.is_dir():
        notes.append("layer modes skipped: no build/layer/python (run `make package` first)")
    elif python312 is None:
        notes.append("layer modes skipped: no python3.12 (set RTFLOW_BENCH_PYTHON312)")
    else:
        with lambda_code() as code, tempfile.TemporaryDirectory() as prefix:
            path = [str(code), str(LAYER)]
            modes = [
                Mode(
                    "layer, no .pyc",
                    python312,
                    ["-I", "-S", "-B"],
                    path,
                    code,
                    "build/layer/python + the packaged code, compiled from source on every "
                    "start (as deployed: --no-compile, read-only /opt)",
                ),
                Mode(
                    "layer, .pyc",
                    python312,
                    ["-I", "-S", "-X", f"pycache_prefix={prefix}"],
                    path,
                    code,
                    "the same files with warm .pyc caches (what a compiled layer would cost)",
                ),
            ]
            for mode in modes:
                layer = layer_runs or min(runs, 3)
                results.append(measure(mode, subjects(), layer, min(layer, 3)))
    sizes = package_sizes()
    loaded = {
        name
        for result in results
        for row in result["rows"]
        if row["handler"]
        for name in row["third_party"]
    }

    host = machine()
    load = [round(x, 1) for x in (*load_before, *os.getloadavg())]
    print()
    print(
        f"Cold start: {len(functions)} Lambda handlers of serverless.yml. {host['cpu']} "
        f"x{host['cpu_count']}, load average {load[0]} before, {load[3]} after, "
        f"{started:%Y-%m-%d}"
    )
    for result in results:
        print()
        print(f"[{result['mode']}] Python {result['python']}: {result['note']}")
        print(mode_table(result))
    for result in results[:2]:
        print()
        print(f"The first call, step by step [{result['mode']}]")
        print(steps_table(result))
    print()
    print("Our own modules (venv, -X importtime self ms, import + first call)")
    print(own_table(results[0]))
    print()
    print("Third-party packages per handler (venv; cumulative ms, import + first call)")
    print(matrix_table(results[0]))
    print()
    print("Deployment package (.serverless/, build/layer)")
    print(package_tables(sizes, loaded))
    for note in notes:
        print(note)
    print()
    print(LEGEND)
    return {
        "name": "coldstart",
        "date": started.isoformat(timespec="seconds"),
        "machine": host,
        "seconds": round(perf_counter() - t0, 1),
        "setup": {
            "functions": dict(functions),
            "floors": FLOORS,
            "floor_first_call": FLOOR_FIRST_CALL,
            "dynamo_first_call": DYNAMO_FIRST_CALL,
            "notes": notes,
            "load_average_before_after": load,
        },
        "results": {"modes": results, "package": sizes},
    }
