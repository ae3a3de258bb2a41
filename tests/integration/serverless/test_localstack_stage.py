"""Stage `local` of serverless.yml, LocalStack's: packaged offline as `make package` packages
it, then deployed by `osls deploy --stage local` itself into the AWS-compatible endpoint that
AWS_ENDPOINT_URL names (moto's server here: LocalStack needs Docker and an account token,
which the tests do not have); and infra/localstack/compose.yml starts LocalStack with every
service the template uses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest
import yaml

from infra.local.emulator import Emulator
from tests.integration.serverless.package_helpers import (
    FUNCTIONS,
    REGION,
    ROOT,
    package_stage,
    run,
    service_copy,
)

# osls package and osls deploy, real processes: about 20 s. moto's CloudFormation skips some
# resource types with a warning (package_helpers.MOTO_UNSUPPORTED; the template tests check them).
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]

STAGE = "local"
STACK = f"rtflow-{STAGE}"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return service_copy(tmp_path_factory)


@pytest.fixture(scope="module")
def package(service: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package_stage(STAGE, service, tmp_path_factory)


@pytest.fixture(scope="module")
def endpoint(service: Path, package: Path):
    """An AWS-compatible endpoint on loopback with the stage deployed into it by osls."""
    emulator = Emulator()
    emulator.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.pop("NODE_OPTIONS", None)  # no offline shim: the deploy talks to the endpoint
    env |= {
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": REGION,
    }
    osls = ["npx", "--no-install", "osls", "deploy", "--stage", STAGE, "--region", REGION]
    try:
        run([*osls, "--package", str(package)], service, env, timeout=300)
        yield emulator.endpoint
    finally:
        emulator.stop()


def client(name: str, endpoint: str):
    return boto3.client(
        name,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_osls_deploys_the_stage_to_the_endpoint_named_by_aws_endpoint_url(endpoint: str):
    stack = client("cloudformation", endpoint).describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] in {"CREATE_COMPLETE", "UPDATE_COMPLETE"}

    functions = {
        f["FunctionName"] for f in client("lambda", endpoint).list_functions()["Functions"]
    }
    assert {f"{STACK}-{name}" for name in FUNCTIONS} <= functions

    bucket = client("cloudformation", endpoint).describe_stack_resource(
        StackName=STACK, LogicalResourceId="ServerlessDeploymentBucket"
    )["StackResourceDetail"]["PhysicalResourceId"]
    uploaded = client("s3", endpoint).list_objects_v2(Bucket=bucket)["Contents"]
    assert {o["Key"].rsplit("/", 1)[1] for o in uploaded} >= {"rtflow.zip", "deps.zip"}


def test_the_web_function_reaches_the_table_and_links_to_localstack_s_api_domain(endpoint: str):
    web = client("lambda", endpoint).get_function_configuration(FunctionName=f"{STACK}-web")
    variables = web["Environment"]["Variables"]
    table = client("dynamodb", endpoint).describe_table(TableName=variables["RTFLOW_TABLE_NAME"])
    assert table["Table"]["StreamSpecification"]["StreamEnabled"] is True
    assert variables["RTFLOW_BACKEND"] == "aws"


def test_the_stage_s_base_url_is_localstack_s_http_api_domain(package: Path):
    template = json.loads((package / "cloudformation-template-update-stack.json").read_text())
    web = template["Resources"]["WebLambdaFunction"]["Properties"]
    base_url = web["Environment"]["Variables"]["RTFLOW_BASE_URL"]["Fn::Sub"]
    assert base_url == "http://${HttpApi}.execute-api.localhost.localstack.cloud:4566"


def test_the_compose_file_starts_every_service_the_template_and_the_functions_use(package: Path):
    template = json.loads((package / "cloudformation-template-update-stack.json").read_text())
    # AWS::DynamoDB::Table -> dynamodb, AWS::ApiGatewayV2::Api -> apigatewayv2, ...
    created = {res["Type"].split("::")[1].lower() for res in template["Resources"].values()}
    called = {"cloudformation", "dynamodbstreams", "ses", "sts"}
    compose = yaml.safe_load((ROOT / "infra" / "localstack" / "compose.yml").read_text())
    localstack = compose["services"]["localstack"]
    services = set(localstack["environment"]["SERVICES"].split(","))
    assert created | called <= services
    assert "127.0.0.1:4566:4566" in localstack["ports"]
    assert "/var/run/docker.sock:/var/run/docker.sock" in localstack["volumes"]
