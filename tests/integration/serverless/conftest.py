"""The package osls builds (once a session: it takes seconds) and the template, resources and
functions read from it; the deploy into moto's mock is the deployment module's own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.serverless.package_helpers import REGION, ROOT, STACK, STAGE


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool in ("node", "npm", "npx"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH: install Node.js 20.19+ to package", pytrace=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    marker = ROOT / "node_modules" / ".package-lock.json"
    if not marker.exists() or (ROOT / "package-lock.json").stat().st_mtime > marker.stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund"], ROOT, env, timeout=600)

    service = tmp_path_factory.mktemp("service")
    # osls wants the config as a regular file, not a link.
    for name in ("serverless.yml", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, service / name)
    for name in ("node_modules", "services", "infra"):
        (service / name).symlink_to(ROOT / name)
    stub = service / "build" / "layer" / "python" / "rtflow_layer_stub.py"
    stub.parent.mkdir(parents=True)
    stub.write_text('"""Stands in for the pip-built layer."""\n')

    out = tmp_path_factory.mktemp("package")
    preload = ROOT / "infra" / "osls-offline.cjs"
    env["NODE_OPTIONS"] = f'--require "{preload}" {env.get("NODE_OPTIONS", "")}'
    osls = ["npx", "--no-install", "osls", "package", "--stage", STAGE, "--region", REGION]
    _run([*osls, "--package", str(out)], service, env, timeout=180)
    return out


@pytest.fixture(scope="session")
def template(package_dir: Path) -> dict:
    return json.loads((package_dir / "cloudformation-template-update-stack.json").read_text())


@pytest.fixture(scope="session")
def resources(template: dict) -> dict:
    return template["Resources"]


@pytest.fixture(scope="session")
def functions(resources: dict) -> dict[str, dict]:
    """Function name (as in serverless.yml) -> Properties."""
    found = {}
    for res in resources.values():
        if res["Type"] == "AWS::Lambda::Function":
            props = res["Properties"]
            found[props["FunctionName"].removeprefix(f"{STACK}-")] = props
    return found
