"""What the serverless.yml tests expect of the package: its stage, region and stack, the
functions and indexes it declares, and the resource types moto's CloudFormation skips."""

from __future__ import annotations

from pathlib import Path

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
