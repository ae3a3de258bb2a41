"""Fuzzing the JSON API with schemathesis, as a client: the web app on a fresh SQLite home
behind the real web server on loopback, and `schemathesis run` over its OpenAPI document,
once anonymous and once with a staff token. Every phase runs: the document's examples, its
coverage cases (edges of every schema, valid and not), random fuzzing and the stateful phase
that follows the document's links (file a ticket, act on it, read it).

`make fuzz` runs it with many more cases and prints the figures:

    python -m tests.integration.security.fuzzing --examples 100
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# The same cases every run in the suite; `make fuzz` draws new ones unless given a seed.
SEED = 18


@contextmanager
def serving(data_dir: Path) -> Iterator[tuple[str, str]]:
    """The app on a free loopback port: (base URL, a staff token)."""
    from infra.local.web_server import WebServer
    from services.adapters.bootstrap import build
    from services.adapters.flow_file import load_flow
    from services.adapters.settings import PROJECT_ROOT, Settings
    from services.intake.app import create_app

    settings = Settings(
        backend="sqlite",
        data_dir=data_dir,
        secret_key="fuzz-secret-" * 4,
        base_url="http://127.0.0.1",
        # A fuzzer asks far faster than any person; the limits have tests of their own.
        limit_queue_readers="1000000/minute",
        limit_refused_credentials="1000000/minute",
    )
    container = build(settings, flow=load_flow(PROJECT_ROOT / "infra" / "flow.example.yaml"))
    app = create_app(container)
    server = WebServer(app, "127.0.0.1", 0, threads=4, timeout=30, max_body=256 * 1024)
    loop = threading.Thread(target=server.serve_forever, daemon=True)
    loop.start()
    try:
        yield f"http://127.0.0.1:{server.port}", container.staff_tokens.issue("mira")
    finally:
        server.stop()
        loop.join(10)
        container.database.close()


# What the suite holds the API to: no 5xx, and every answer as the document says (status,
# content type, headers, body). `make fuzz` runs every check, including whether the API takes
# exactly what the document says it takes (ST202, ST201): those findings are reported.
SUITE_CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)


def run(
    base_url: str,
    examples: int,
    headers: dict[str, str],
    *,
    seed: int | None = SEED,
    checks: str = SUITE_CHECKS,
    phases: str = "examples,coverage,fuzzing,stateful",
) -> dict[str, Any]:
    """One `schemathesis run`: its exit code, the cases it sent, its findings, its output."""
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{base_url}/openapi.json",
        f"--max-examples={examples}",
        f"--checks={checks}",
        f"--phases={phases}",
        "--workers=1",
        "--no-color",
        "--continue-on-failure",
        "--warnings=off",
    ]
    if seed is not None:
        command += [f"--seed={seed}", "--generation-deterministic"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    output = done.stdout + done.stderr
    cases = re.search(r"(\d+) generated", output)
    return {
        "exit": done.returncode,
        "seconds": round(time.monotonic() - started, 1),
        "cases": int(cases.group(1)) if cases else 0,
        "findings": dict(
            (code, int(n)) for code, n in re.findall(r"❌ (\S+ [^:\n]+): (\d+)", output)
        ),
        "output": output,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as home, serving(Path(home)) as (url, token):
        for who, headers in (("anonymous", {}), ("staff", {"Authorization": f"Bearer {token}"})):
            results[who] = run(url, args.examples, headers, seed=args.seed, checks="all")
    for who, result in results.items():
        found = ", ".join(f"{k}: {v}" for k, v in result["findings"].items()) or "none"
        print(f"{who}: {result['cases']} cases in {result['seconds']} s; findings: {found}")
    Path(".bench").mkdir(exist_ok=True)
    summary = {w: {k: v for k, v in r.items() if k != "output"} for w, r in results.items()}
    Path(".bench/fuzz.json").write_text(json.dumps(summary, indent=2))
    failed = [w for w, r in results.items() if r["exit"] != 0]
    for who in failed:
        print(f"--- {who}: the end of schemathesis' report\n" + results[who]["output"][-8000:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
