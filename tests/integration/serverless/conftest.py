"""The package osls builds (once a session: it takes seconds) and the template, resources and
functions read from it; the deploy into moto's mock is the deployment module's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.serverless.package_helpers import (
    STACK,
    STAGE,
    package_stage,
    service_copy,
)


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package_stage(STAGE, service_copy(tmp_path_factory), tmp_path_factory)


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
