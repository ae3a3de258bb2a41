"""What the serverless.yml tests expect of the package: its stage, region and stack, the
functions and indexes it declares, and the resource types moto's CloudFormation skips; and
the packaging itself (osls, offline, with a stand-in for the pip-built layer)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
STAGE = "dev"
REGION = "us-east-1"
STACK = f"rtflow-{STAGE}"
FUNCTIONS = {
    "web",
    "relay",
    "triage",
    "notify",
    "scheduler",
    "inbound",
    "webhooks",
    "mail",
    "reports",
}
INDEXES = {
    "by-status",
    "by-owner",
    "by-requester",
    "by-escalation",
    "by-next-timer",
    "by-public",
    "by-day",
}
# Resource types moto's CloudFormation skips (with a warning); the template tests below check
# them instead.
MOTO_UNSUPPORTED = {
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Stage",
    "AWS::Lambda::EventInvokeConfig",  # test_mail_that_cannot_be_recorded_is_parked_not_lost
    "AWS::S3::BucketPolicy",
    "AWS::SecretsManager::Secret",
}


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )


def service_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory osls can package and deploy from: serverless.yml and the lock as files, the
    code and node_modules as links, and a stand-in for the pip-built layer."""
    for tool in ("node", "npm", "npx"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH: install Node.js 20.19+ to package", pytrace=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    marker = ROOT / "node_modules" / ".package-lock.json"
    if not marker.exists() or (ROOT / "package-lock.json").stat().st_mtime > marker.stat().st_mtime:
        run(["npm", "ci", "--no-audit", "--no-fund"], ROOT, env, timeout=600)

    service = tmp_path_factory.mktemp("service")
    # osls wants the config as a regular file, not a link.
    for name in ("serverless.yml", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, service / name)
    for name in ("node_modules", "services", "infra"):
        (service / name).symlink_to(ROOT / name)
    stub = service / "build" / "layer" / "python" / "rtflow_layer_stub.py"
    stub.parent.mkdir(parents=True)
    stub.write_text('"""Stands in for the pip-built layer."""\n')
    return service


def package_stage(stage: str, service: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`osls package --stage <stage>` in a service_copy, offline; the package directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out = tmp_path_factory.mktemp("package")
    preload = ROOT / "infra" / "osls-offline.cjs"
    env["NODE_OPTIONS"] = f'--require "{preload}" {env.get("NODE_OPTIONS", "")}'
    osls = ["npx", "--no-install", "osls", "package", "--stage", stage, "--region", REGION]
    run([*osls, "--package", str(out)], service, env, timeout=180)
    return out
