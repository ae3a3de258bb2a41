"""serverless.yml packages offline, its CloudFormation deploys (into moto), and it agrees with
the code: handlers import, environment variables are Settings fields, the code is in the zip.

osls runs for real, in a scratch service directory with the real serverless.yml, sources and
node_modules. Only the dependency layer is a stub: osls zips a layer as it finds it, its content
changes nothing in the template but a hash, and building the real one needs a pip download.
The deploy follows `osls deploy`: create the stack with the deployment bucket only, upload the
artifacts under the keys the template names, then update the stack to the full template.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

# Packages with Node's serverless (osls) and lints with cfn-lint: real processes.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
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


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
def template(package_dir: Path) -> dict:
    return json.loads((package_dir / "cloudformation-template-update-stack.json").read_text())


@pytest.fixture(scope="module")
def resources(template: dict) -> dict:
    return template["Resources"]


@pytest.fixture(scope="module")
def functions(resources: dict) -> dict[str, dict]:
    """Function name (as in serverless.yml) -> Properties."""
    found = {}
    for res in resources.values():
        if res["Type"] == "AWS::Lambda::Function":
            props = res["Properties"]
            found[props["FunctionName"].removeprefix(f"{STACK}-")] = props
    return found


@pytest.fixture(scope="module")
def stack(package_dir: Path, template: dict):
    """The package deployed into moto the way `osls deploy` does it."""
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith(("AWS_", "RTFLOW_"))]:
            mp.delenv(key)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_REGION", REGION)
        with mock_aws():
            cfn = boto3.client("cloudformation")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                created, updated = _deploy(cfn, package_dir, template)
            skipped = {
                m.group(1)
                for w in caught
                if (m := re.match(r"Tried to parse (\S+) but it's not supported", str(w.message)))
            }
            yield {
                "created": created,
                "updated": updated,
                "skipped": skipped,
                "lambda": boto3.client("lambda"),
                "dynamodb": boto3.client("dynamodb"),
                "sqs": boto3.client("sqs"),
            }


def _deploy(cfn, package_dir: Path, template: dict) -> tuple[str, dict]:
    create = package_dir / "cloudformation-template-create-stack.json"
    cfn.create_stack(StackName=STACK, TemplateBody=create.read_text())
    created = cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"]
    bucket = cfn.describe_stack_resource(
        StackName=STACK, LogicalResourceId="ServerlessDeploymentBucket"
    )["StackResourceDetail"]["PhysicalResourceId"]

    s3 = boto3.client("s3")
    keys = set()
    for res in template["Resources"].values():
        props = res.get("Properties", {})
        location = props.get("Code") or props.get("Content") or {}
        if location.get("S3Bucket") == {"Ref": "ServerlessDeploymentBucket"}:
            keys.add(location["S3Key"])
    assert keys, "no artifact in the template"
    for key in keys:
        s3.upload_file(str(package_dir / key.rsplit("/", 1)[1]), bucket, key)

    cfn.update_stack(
        StackName=STACK,
        TemplateBody=json.dumps(template),
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    return created, cfn.describe_stacks(StackName=STACK)["Stacks"][0]


# --- the deployment -------------------------------------------------------------------------


def test_stack_deploys(stack):
    assert stack["created"] == "CREATE_COMPLETE"
    assert stack["updated"]["StackStatus"] == "UPDATE_COMPLETE", stack["updated"].get(
        "StackStatusReason"
    )
    assert stack["skipped"] <= MOTO_UNSUPPORTED, "moto skipped resources no test checks"


def test_table_has_its_indexes_and_stream(stack):
    table = stack["dynamodb"].describe_table(TableName=f"{STACK}-tickets")["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == INDEXES
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_queues_and_redrive(stack):
    sqs = stack["sqs"]

    def attrs(name: str) -> dict:
        url = sqs.get_queue_url(QueueName=f"{STACK}-{name}")["QueueUrl"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    for name in ("triage", "notify"):
        queue, dlq = attrs(name), attrs(f"{name}-dlq")
        redrive = json.loads(queue["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
        assert int(redrive["maxReceiveCount"]) == 5
        assert int(queue["VisibilityTimeout"]) == 180
    attrs("relay-failures")  # exists


def test_functions_and_triggers(stack, functions):
    lam = stack["lambda"]
    assert set(functions) == FUNCTIONS
    arns = {}
    for name, props in functions.items():
        config = lam.get_function(FunctionName=f"{STACK}-{name}")["Configuration"]
        assert config["Runtime"] == "python3.12"
        assert config["Handler"] == props["Handler"]
        assert config["Architectures"] == ["x86_64"]
        arns[name] = config["FunctionArn"]
    # moto names the layer itself and drops it from the functions; the template test checks
    # that every function references it.
    layers = lam.list_layers(CompatibleRuntime="python3.12")["Layers"]
    assert len(layers) == 1

    # list_event_source_mappings(FunctionName=...) finds nothing in moto: filter here.
    mappings = {}
    for m in lam.list_event_source_mappings()["EventSourceMappings"]:
        mappings.setdefault(m["FunctionArn"], []).append(m)
    assert arns["web"] not in mappings
    assert arns["scheduler"] not in mappings

    stream_arn = stack["dynamodb"].describe_table(TableName=f"{STACK}-tickets")["Table"][
        "LatestStreamArn"
    ]
    (relay,) = mappings[arns["relay"]]
    assert relay["EventSourceArn"] == stream_arn
    assert relay["BatchSize"] == 100
    assert relay["StartingPosition"] == "LATEST"
    assert relay["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert relay["BisectBatchOnFunctionError"] is True
    assert relay["MaximumRetryAttempts"] == 10
    patterns = [json.loads(f["Pattern"]) for f in relay["FilterCriteria"]["Filters"]]
    assert patterns == [
        {"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "EVENT#"}]}}}},
        {"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "INBOX#"}]}}}},
    ]
    assert relay["DestinationConfig"]["OnFailure"]["Destination"].endswith(
        f":{STACK}-relay-failures"
    )

    assert arns["mail"] not in mappings  # SES invokes it
    # One event per webhooks invocation: each subscription may take its whole 5 s timeout.
    for name, batch in (("triage", 10), ("notify", 10), ("inbound", 10), ("webhooks", 1)):
        (mapping,) = mappings[arns[name]]
        assert mapping["EventSourceArn"].endswith(f":{STACK}-{name}")
        assert mapping["BatchSize"] == batch
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_deployed_environment_builds_settings(stack, functions, resources, monkeypatch):
    """Settings() validates from each function's environment as deployed (the secret, which
    moto cannot resolve, replaced by a value shaped like the generated one)."""
    from services.adapters.settings import Settings

    length = resources["AppSecretKey"]["Properties"]["GenerateSecretString"]["PasswordLength"]
    queue_url = stack["sqs"].get_queue_url(QueueName=f"{STACK}-notify")["QueueUrl"]
    triage_url = stack["sqs"].get_queue_url(QueueName=f"{STACK}-triage")["QueueUrl"]
    for name in functions:
        env = stack["lambda"].get_function_configuration(FunctionName=f"{STACK}-{name}")[
            "Environment"
        ]["Variables"]
        assert env["RTFLOW_SECRET_KEY"].startswith("{{resolve:secretsmanager:")
        env["RTFLOW_SECRET_KEY"] = secrets.token_hex(length // 2)
        with monkeypatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, value)
            settings = Settings()
        assert settings.table_name == f"{STACK}-tickets"
        assert settings.notify_queue_url == queue_url
        assert settings.triage_queue_url == triage_url
        assert settings.mail_transport == "ses"


# --- the template against the code ----------------------------------------------------------


def test_templates_pass_cfn_lint(package_dir):
    templates = sorted(str(p) for p in package_dir.glob("cloudformation-template-*.json"))
    lint = "import sys; from cfnlint.runner import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", lint, *templates], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _env_names() -> tuple[set[str], set[str]]:
    """(every variable Settings reads, those it requires)."""
    from services.adapters.settings import Settings

    prefix = Settings.model_config.get("env_prefix", "")
    names, required = set(), set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        env = alias.upper() if isinstance(alias, str) else f"{prefix}{field_name}".upper()
        names.add(env)
        if field.is_required():
            required.add(env)
    return names, required


def test_environment_names_are_settings_fields(functions):
    names, required = _env_names()
    for name, props in functions.items():
        env = props["Environment"]["Variables"]
        unknown = {k for k in env if k.startswith("RTFLOW_")} - names
        assert not unknown, f"{name}: not a Settings field: {sorted(unknown)}"
        missing = required - set(env)
        assert not missing, f"{name}: Settings requires {sorted(missing)}"


def test_secret_key_is_generated_and_referenced(functions, resources):
    from services.adapters.settings import Settings

    secret = resources["AppSecretKey"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    (min_len,) = [m.min_length for m in Settings.model_fields["secret_key"].metadata]
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= min_len
    for props in functions.values():
        assert props["Environment"]["Variables"]["RTFLOW_SECRET_KEY"] == {
            "Fn::Sub": "{{resolve:secretsmanager:${AppSecretKey}:SecretString}}"
        }


def test_functions_use_the_layer(functions, resources):
    assert resources["DepsLambdaLayer"]["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    for props in functions.values():
        assert props["Layers"] == [{"Ref": "DepsLambdaLayer"}]


def test_role_is_scoped(resources):
    statements = [
        st
        for policy in resources["IamRoleLambdaExecution"]["Properties"]["Policies"]
        for st in policy["PolicyDocument"]["Statement"]
    ]
    for st in statements:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        assert not [a for a in actions if a == "*" or a.endswith(":*")], st
        assert st["Resource"] != "*" and "*" not in st["Resource"], st
    table = [st for st in statements if "dynamodb:PutItem" in st["Action"]]
    assert len(table) == 1
    assert table[0]["Resource"] == [
        {"Fn::GetAtt": ["TicketsTable", "Arn"]},
        {"Fn::Sub": "${TicketsTable.Arn}/index/*"},
    ]


# pynamodb's calls, and the DynamoDB operation each one is authorized by.
_TABLE_CALLS = {
    "batch_get": "BatchGetItem",
    "batch_write": "BatchWriteItem",
    "query": "Query",
    "scan": "Scan",
    "save": "PutItem",
    "delete": "DeleteItem",
    "update": "UpdateItem",
}


def test_the_role_allows_every_table_call_the_adapters_make(resources):
    from services.adapters.settings import PROJECT_ROOT

    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (PROJECT_ROOT / "services" / "adapters").rglob("*.py")
    )
    used = {op for call, op in _TABLE_CALLS.items() if re.search(rf"\.{call}\(", source)}
    assert "BatchGetItem" in used and "Scan" not in used
    allowed = {
        a.removeprefix("dynamodb:")
        for policy in resources["IamRoleLambdaExecution"]["Properties"]["Policies"]
        for st in policy["PolicyDocument"]["Statement"]
        for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
        if a.startswith("dynamodb:")
    }
    assert used - allowed == set()


def test_http_api_routes_everything_to_web(resources):
    route = resources["HttpApiRouteDefault"]["Properties"]
    assert route["RouteKey"] == "$default"
    integration = resources["HttpApiIntegrationWeb"]["Properties"]
    assert integration["IntegrationUri"] == {"Fn::GetAtt": ["WebLambdaFunction", "Arn"]}
    assert integration["PayloadFormatVersion"] == "2.0"


def test_code_zip_holds_the_code_and_nothing_else(package_dir, functions):
    from services.adapters.settings import PROJECT_ROOT, Settings

    with zipfile.ZipFile(package_dir / "rtflow.zip") as z:
        names = set(z.namelist())
    flow_file = Settings.model_fields["flow_config"].default.relative_to(PROJECT_ROOT).as_posix()
    assert flow_file in names, "the default flow config must ship with the code"
    assert {n for n in names if not n.startswith("services/")} == {flow_file}
    assert not [n for n in names if "__pycache__" in n or "/tests/" in n]
    for props in functions.values():
        module = props["Handler"].rsplit(".", 1)[0]
        assert f"{module}.py" in names


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_handler_resolves(function, functions):
    # Lambda's Python runtime reads "path/to/module.attr" with "/" as ".".
    module_path, attr = functions[function]["Handler"].rsplit(".", 1)
    module = importlib.import_module(module_path.replace("/", "."))
    assert callable(getattr(module, attr))


def _schedules(resources) -> dict[str, list[tuple[str, str | None]]]:
    """function logical id -> its (schedule expression, input) pairs."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    for r in resources.values():
        if r["Type"] != "AWS::Events::Rule":
            continue
        [target] = r["Properties"]["Targets"]
        function = target["Arn"]["Fn::GetAtt"][0]
        found.setdefault(function, []).append(
            (r["Properties"]["ScheduleExpression"], target.get("Input"))
        )
    return found


def test_the_scheduler_runs_every_minute_and_the_reports_daily_and_weekly(resources):
    schedules = _schedules(resources)
    assert schedules["SchedulerLambdaFunction"] == [("rate(1 minute)", None)]
    assert sorted(schedules["ReportsLambdaFunction"]) == [
        ("cron(0 5 * * ? *)", '{"kind":"daily"}'),
        ("cron(0 5 ? * MON *)", '{"kind":"weekly"}'),
    ]


def test_mail_that_cannot_be_recorded_is_parked_not_lost(resources):
    """SES invokes the mail function asynchronously: after Lambda's retries the event goes to
    a failure queue the function may write to."""
    config = resources["MailLambdaEvConf"]["Properties"]
    assert config["FunctionName"] == {"Ref": "MailLambdaFunction"}
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["MailInFailureQueue", "Arn"]
    }
    statements = [
        st
        for policy in resources["IamRoleLambdaExecution"]["Properties"]["Policies"]
        for st in policy["PolicyDocument"]["Statement"]
    ]
    assert any(
        "sqs:SendMessage" in st["Action"]
        and st["Resource"] == {"Fn::GetAtt": ["MailInFailureQueue", "Arn"]}
        for st in statements
    )
