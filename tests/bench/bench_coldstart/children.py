"""The children: one fresh interpreter per measurement, in one of the modes (the venv, or the
deployed layer with the packaged code under Python 3.12), with the functions' environment."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from .paths import ROOT
from .subjects import Subject

# The settings serverless.yml gives the functions (values made up; nothing is called).
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "RTFLOW_BACKEND": "aws",
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

# The child: times the imports and the first call; markers on stderr split -X importtime's lines.
CHILD = """\
import json, sys, time
spec = json.loads(sys.argv[1])
sys.path[0:0] = spec["path"]
t0, c0 = time.perf_counter(), time.process_time()
sys.stderr.write("@@import\\n"); sys.stderr.flush()
for name in spec["modules"]:
    __import__(name)
t1, c1 = time.perf_counter(), time.process_time()
sys.stderr.write("@@first-call\\n"); sys.stderr.flush()
steps, namespace = [], {"__name__": "first_call"}
for line in spec["first_call"].splitlines():
    s = time.perf_counter()
    exec(compile(line, "<first call>", "exec"), namespace)
    steps.append(time.perf_counter() - s)
t2, c2 = time.perf_counter(), time.process_time()
sys.stderr.write("@@end\\n"); sys.stderr.flush()
import sysconfig
std = tuple({sysconfig.get_paths()[k] + "/" for k in ("stdlib", "platstdlib")})
third_party = []
for name, module in list(sys.modules.items()):
    where = getattr(module, "__file__", None) or ""
    if "." not in name and where and ("-packages/" in where or not where.startswith(std)):
        third_party.append(name)
print(json.dumps({"import": t1 - t0, "first_call": t2 - t1, "steps": steps,
                  "cpu_import": c1 - c0, "cpu_first_call": c2 - c1,
                  "modules": len(sys.modules), "third_party": sorted(third_party)}))
"""


@dataclass
class Mode:
    name: str
    python: str
    flags: list[str]
    path: list[str]
    cwd: Path
    note: str


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


def python_version(python: str) -> str:
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
