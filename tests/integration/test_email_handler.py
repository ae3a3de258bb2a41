"""Mail in on AWS: SES stores the message in S3 (moto here), then invokes the handler with its
receipt event (or S3 announces the object); the handler reads the object and records it.
Also: infra/aws/email.yml lints clean and creates the bucket."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import warnings
from email import policy
from email.message import EmailMessage
from pathlib import Path

import boto3
import pytest

from services.adapters.bootstrap import build
from services.adapters.settings import Settings
from services.domain.inbound import InboundAction
from services.domain.integrations import EmailIntake
from services.inbound import email_handler
from tests.fakes import FakeInbox

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "inbound/"


@pytest.fixture
def aws_env(emulator, monkeypatch):
    for name, value in {
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def bucket(aws_env, request):
    name = "mail-" + re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:50].strip("-")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=name)
    yield name
    for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def inbox():
    return FakeInbox()


@pytest.fixture
def lambda_container(bucket, flow, inbox, monkeypatch):
    """What container() gives the handler on AWS, with the mail gateway on and a fake inbox."""
    settings = Settings(secret_key="test-secret-" * 4, mail_bucket=bucket, mail_prefix=PREFIX)
    mail_flow = flow.model_copy(
        update={"email": EmailIntake(address="ops@example.org", ticket_type="general")}
    )
    container = build(settings, flow=mail_flow, inbox=inbox)
    monkeypatch.setattr("services.adapters.bootstrap.container", lambda: container)
    return container


def raw_mail(message_id: str, subject: str = "Disk full on db1001", **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ana Souza <ana@example.org>"
    msg["To"] = "ops@example.org"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("The disk of db1001 is full.")
    return msg.as_bytes(policy=policy.SMTP)


def ses_event(
    ses_message_id: str, spam: str = "PASS", virus: str = "PASS", dmarc: str = "PASS"
) -> dict:
    """A receipt rule's Lambda action event, shaped as SES documents it."""
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": "2026-11-27T09:30:02.028Z",
                        "source": "ana@example.org",
                        "messageId": ses_message_id,
                        "destination": ["ops@example.org"],
                        "headersTruncated": False,
                        "headers": [],
                        "commonHeaders": {"returnPath": "ana@example.org", "subject": "x"},
                    },
                    "receipt": {
                        "timestamp": "2026-11-27T09:30:02.028Z",
                        "processingTimeMillis": 1222,
                        "recipients": ["ops@example.org"],
                        "spamVerdict": {"status": spam},
                        "virusVerdict": {"status": virus},
                        "spfVerdict": {"status": "PASS"},
                        "dkimVerdict": {"status": "PASS"},
                        "dmarcVerdict": {"status": dmarc},
                        "action": {
                            "type": "Lambda",
                            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:mail",
                            "invocationType": "Event",
                        },
                    },
                },
            }
        ]
    }


def s3_event(bucket: str, key: str) -> dict:
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 1}},
            }
        ]
    }


def put(bucket: str, key: str, raw: bytes) -> None:
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=raw)


def test_an_ses_receipt_records_the_stored_mail(lambda_container, bucket, inbox):
    put(bucket, PREFIX + "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", raw_mail("<m1@example.org>"))

    answer = email_handler.handler(ses_event("o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1"), None)

    assert answer == {
        "disposition": "CONTINUE",
        "results": [
            {"key": "inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", "outcome": "recorded"}
        ],
    }
    recorded = inbox.recorded["email#m1@example.org"]
    assert recorded.action is InboundAction.OPEN
    assert recorded.draft["requirements"] == "The disk of db1001 is full."


@pytest.mark.parametrize(("dmarc", "verified"), [("PASS", True), ("GRAY", False)])
def test_only_a_dmarc_pass_vouches_for_the_sender(lambda_container, bucket, inbox, dmarc, verified):
    put(bucket, PREFIX + "ses-v", raw_mail("<mv@example.org>"))
    email_handler.handler(ses_event("ses-v", dmarc=dmarc), None)
    assert inbox.recorded["email#mv@example.org"].sender_verified is verified
    with_s3 = s3_event(bucket, PREFIX + "ses-v")  # no verdicts: nothing vouched
    inbox.recorded.clear()
    email_handler.handler(with_s3, None)
    assert inbox.recorded["email#mv@example.org"].sender_verified is False


def test_a_redelivered_event_is_a_duplicate(lambda_container, bucket, inbox):
    put(bucket, PREFIX + "ses-2", raw_mail("<m2@example.org>"))
    email_handler.handler(ses_event("ses-2"), None)
    answer = email_handler.handler(ses_event("ses-2"), None)
    assert answer["results"] == [{"key": "inbound/ses-2", "outcome": "duplicate"}]
    assert len(inbox.recorded) == 1


def test_an_s3_object_created_event_records_the_object(lambda_container, bucket, inbox):
    key = "inbound/with space+plus"
    raw = raw_mail("<m3@example.org>", subject="Re: [TechOps #9] Received: replica")
    put(bucket, key, raw)

    # S3 URL-encodes keys in its events: a space arrives as "+", a "+" as "%2B".
    answer = email_handler.handler(s3_event(bucket, "inbound/with+space%2Bplus"), None)

    assert answer["results"] == [{"key": key, "outcome": "recorded"}]
    assert inbox.recorded["email#m3@example.org"].ticket == 9


def test_spam_and_viruses_are_ignored_unread(lambda_container, inbox):
    # No object was stored: reading it would fail.
    answer = email_handler.handler(ses_event("ses-spam", spam="FAIL"), None)
    assert answer["results"] == [{"outcome": "ignored: SES spamVerdict FAIL"}]
    answer = email_handler.handler(ses_event("ses-virus", virus="FAIL"), None)
    assert answer["results"] == [{"outcome": "ignored: SES virusVerdict FAIL"}]
    # A forged From (by its domain's DMARC policy) could pose as the requester or the team.
    answer = email_handler.handler(ses_event("ses-forged", dmarc="FAIL"), None)
    assert answer["results"] == [{"outcome": "ignored: SES dmarcVerdict FAIL"}]
    assert inbox.recorded == {}


def test_robot_mail_is_ignored_with_the_reason(lambda_container, bucket, inbox):
    put(bucket, PREFIX + "ses-4", raw_mail("<m4@example.org>", Precedence="bulk"))
    answer = email_handler.handler(ses_event("ses-4"), None)
    assert answer["results"] == [
        {"key": "inbound/ses-4", "outcome": "ignored: automatic mail (Precedence: bulk)"}
    ]
    assert inbox.recorded == {}


def test_a_missing_object_raises_so_lambda_retries(lambda_container, inbox):
    with pytest.raises(Exception, match="NoSuchKey"):
        email_handler.handler(ses_event("never-stored"), None)
    assert inbox.recorded == {}


def test_an_event_without_records_does_nothing(lambda_container):
    # S3 sends an "s3:TestEvent" without Records when a notification is set up.
    assert email_handler.handler({"Event": "s3:TestEvent"}, None) == {
        "disposition": "CONTINUE",
        "results": [],
    }


@pytest.mark.slow  # a fresh interpreter
def test_importing_the_handler_builds_no_client_and_reads_no_setting():
    code = (
        "import os\n"
        "os.environ.pop('RTFLOW_SECRET_KEY', None)\n"
        "import services.inbound.email_handler\n"
        "import services.adapters.bootstrap as b\n"
        "assert b.container.cache_info().currsize == 0\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


# --- infra/aws/email.yml ------------------------------------------------------------------------


@pytest.mark.slow  # cfn-lint in a process of its own
def test_the_mail_bucket_template_lints_clean():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
            str(ROOT / "infra" / "aws" / "email.yml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_mail_bucket_is_private_expires_mail_and_takes_it_from_ses_only(aws_env, tmp_path):
    from infra.local.cfn import load_template

    shutil.copy(ROOT / "infra" / "aws" / "email.yml", tmp_path / "email.yml")
    template = load_template(tmp_path)
    bucket = template["Resources"]["MailBucket"]["Properties"]
    [rule] = bucket["LifecycleConfiguration"]["Rules"]
    assert (rule["Status"], rule["ExpirationInDays"]) == ("Enabled", 30)
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    policy = template["Resources"]["MailBucketPolicy"]["Properties"]["PolicyDocument"]
    [statement] = policy["Statement"]
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"}
    assert statement["Action"] == "s3:PutObject"
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
    }

    # And it deploys (moto's CloudFormation skips the bucket policy, with a warning).
    cfn = boto3.client("cloudformation")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not supported by moto", category=UserWarning)
        cfn.create_stack(StackName="mail-bucket", TemplateBody=json.dumps(template))
    try:
        [stack] = cfn.describe_stacks(StackName="mail-bucket")["Stacks"]
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        boto3.client("s3").head_bucket(Bucket=outputs["MailBucketName"])
    finally:
        cfn.delete_stack(StackName="mail-bucket")
