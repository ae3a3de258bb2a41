"""serverless.yml agrees with the code: cfn-lint passes, environment variables are Settings
fields, the secret key is generated, the role allows what the adapters call, handlers
resolve, the zip holds the code, the schedules and the mail's parking are declared."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import zipfile

import pytest

from tests.integration.serverless.package_helpers import FUNCTIONS

# Packages with Node's serverless (osls) and lints with cfn-lint: real processes.
pytestmark = pytest.mark.slow


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
    from services.adapters.settings import Settings, env_names

    names, required = set(), set()
    for field_name, field in Settings.model_fields.items():
        env = env_names(Settings)[field_name]
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
