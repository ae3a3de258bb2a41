"""The zappa package of the web function (zappa_settings.json, infra/zappa-package.sh), built
as `make package` builds it, unzipped and loaded the way Lambda loads it: a fresh interpreter
with the package first on sys.path and the layer after it, calling zappa's
`handler.lambda_handler` with API Gateway events (HTTP API, payload 2.0) against the
resources of infra/resources on moto."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import valid_ticket
from tests.integration.serverless.package_helpers import ROOT

# Builds with zappa and pip and starts a Python process: about 10 s.
pytestmark = pytest.mark.slow

RUNTIME = Path(__file__).with_name("lambda_runtime.py")
BASE_URL = "https://tickets.example.org"


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return done


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zappa")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"PYTHON": sys.executable, "ZAPPA_OUT": str(out), "ZAPPA_STAGE": "dev"}
    _run(["bash", "infra/zappa-package.sh"], env)
    return out / "rtflow-web-dev.zip"


@pytest.fixture(scope="module")
def task_dir(package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/var/task: the package unzipped."""
    task = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(package) as z:
        z.extractall(task)
    return task


@pytest.fixture(scope="module")
def layer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/opt/python: the layer's packages ([project].dependencies, constraints.txt), for this
    interpreter instead of the Lambda runtime's CPython 3.12."""
    layer = tmp_path_factory.mktemp("layer") / "python"
    with (ROOT / "pyproject.toml").open("rb") as f:
        requirements = tomllib.load(f)["project"]["dependencies"]
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--no-compile", "--target", str(layer), "-c", "constraints.txt", *requirements])
    return layer


def http_event(method: str, path: str, body: dict | None = None) -> dict:
    """An API Gateway HTTP API event (payload format 2.0), as serverless.yml's httpApi and
    zappa's apigateway_version v2 deliver it."""
    path, _, query = path.partition("?")
    host = "abc123.execute-api.us-east-1.amazonaws.com"
    headers = {"host": host, "user-agent": "curl/8.5", "x-forwarded-proto": "https"}
    if body is not None:
        headers |= {"content-type": "application/json", "accept": "application/json"}
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": host,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1"}
            | {"sourceIp": "203.0.113.7", "userAgent": "curl/8.5"},
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
            "timeEpoch": 1_796_000_000_000,
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def invoke(task: Path, layer: Path, aws: dict, events: list[dict], tmp_path: Path) -> dict:
    """zappa's handler.lambda_handler in a fresh interpreter, pointed at the emulator's
    resources by the environment, as the function's configuration would point it at AWS."""
    env = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    env |= {
        "PATH": os.environ["PATH"],
        "RTFLOW_TABLE_NAME": aws["TicketsTableName"],
        "RTFLOW_NOTIFY_QUEUE_URL": aws["NotifyQueueUrl"],
        "RTFLOW_TRIAGE_QUEUE_URL": aws["TriageQueueUrl"],
        "RTFLOW_INBOUND_QUEUE_URL": aws["InboundQueueUrl"],
        "RTFLOW_WEBHOOKS_QUEUE_URL": aws["WebhooksQueueUrl"],
        "RTFLOW_REPORTS_BUCKET": aws["ReportsBucketName"],
        "RTFLOW_BASE_URL": BASE_URL,
        "RTFLOW_SECRET_KEY": "zappa-package-test-" * 3,
    }
    out = tmp_path / "answers.json"
    cmd = [sys.executable, "-I", "-S", str(RUNTIME), str(task), str(layer)]
    done = subprocess.run(
        [*cmd, "handler.lambda_handler", str(out)],
        input=json.dumps(events),
        env=env,
        cwd=task,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


def test_the_package_holds_the_code_and_zappa_and_nothing_compiled(package: Path):
    with zipfile.ZipFile(package) as z:
        names = z.namelist()
    top = {name.split("/")[0] for name in names}
    assert {"handler.py", "zappa_settings.py", "services", "infra", "zappa"} <= top
    assert "infra/flow.example.yaml" in names
    assert "services/intake/wsgi.py" in names
    # Third-party packages come from the layer, built for the Lambda runtime; nothing in the
    # package was compiled by (or for) this machine's Python.
    assert not [n for n in names if n.endswith((".so", ".pyc"))]
    assert not top & {"flask", "boto3", "botocore", "pydantic", "tests", "node_modules"}


def test_the_settings_name_the_wsgi_app_the_runtime_and_the_layer(task_dir: Path):
    settings = (task_dir / "zappa_settings.py").read_text()
    assert "APP_MODULE='services.intake.wsgi'" in settings
    assert "APP_FUNCTION='app'" in settings
    stage = json.loads((ROOT / "zappa_settings.json").read_text())["dev"]
    # serverless.yml's provider settings (two spaces in: the provider's own keys).
    serverless = (ROOT / "serverless.yml").read_text()
    provider = dict(re.findall(r"^  (runtime|architecture): (\S+)$", serverless, re.M))
    assert provider == {"runtime": "python3.12", "architecture": "x86_64"}
    assert stage["runtime"] == provider["runtime"]
    assert stage["architecture"] == provider["architecture"]
    # The layer serverless.yml deploys for stage dev: ${self:service}-${sls:stage}-deps.
    assert "name: ${self:service}-${sls:stage}-deps" in serverless
    assert stage["layers"][0].split(":layer:")[1].startswith("rtflow-dev-deps:")


def test_healthz_and_a_filing_through_zappa_s_handler(
    task_dir: Path, layer_dir: Path, aws: dict, tmp_path: Path
):
    ticket = valid_ticket(title="Filed through the zappa package")
    events = [
        http_event("GET", "/healthz"),
        http_event("POST", "/api/v1/tickets", ticket),
        http_event("POST", "/api/v1/tickets", valid_ticket(title="", requirements="")),
    ]
    result = invoke(task_dir, layer_dir, aws, events, tmp_path)
    assert Path(result["services_from"]).parent == task_dir

    health, filed, refused = result["answers"]
    assert health["statusCode"] == 200, health
    assert json.loads(health["body"]) == {"status": "ok"}

    assert filed["statusCode"] == 201, filed
    body = json.loads(filed["body"])
    assert body["status"] == "new"
    assert body["status_url"].startswith(f"{BASE_URL}/tickets/{body['id']}?token=")

    assert refused["statusCode"] == 422, refused
    assert set(json.loads(refused["body"])["errors"]) >= {"title", "requirements"}

    # The ticket is in the table: its status link opens through the same handler.
    link = urlsplit(body["status_url"])
    (status,) = invoke(
        task_dir,
        layer_dir,
        aws,
        [http_event("GET", f"{link.path}?{link.query}")],
        tmp_path,
    )["answers"]
    assert status["statusCode"] == 200, status
    assert "Filed through the zappa package" in status["body"]
