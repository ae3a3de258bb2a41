"""The AttachmentStore port (services/domain/attachments.py) over every implementation: the
in-memory fake of the unit tests, S3 (the attachments bucket, on the emulator) and the SQLite
home's data directory. Bytes come back as they went in, under their SHA-256; the same bytes
twice are one file; what was never put is None."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest

from services.adapters.attachment_store import FileAttachmentStore, S3AttachmentStore
from tests.attachment_fakes import MemoryAttachmentStore

STORES = ["memory", "s3", "files"]


def bucket() -> str:
    """A bucket as infra/resources/attachments.yml defines it (CloudFormation)."""
    import boto3

    from infra.local.cfn import load_template

    resources = load_template()["Resources"]
    template = {
        "Resources": {"AttachmentsBucket": resources["AttachmentsBucket"]},
        "Outputs": {"Name": {"Value": {"Ref": "AttachmentsBucket"}}},
    }
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="attachments-contract", TemplateBody=json.dumps(template))
    [output] = cfn.describe_stacks(StackName="attachments-contract")["Stacks"][0]["Outputs"]
    return output["OutputValue"]


@pytest.fixture(scope="module")
def s3_bucket(emulator_env) -> str:
    return bucket()


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryAttachmentStore()
    if request.param == "files":
        return FileAttachmentStore(tmp_path / "attachments")
    import boto3

    name = request.getfixturevalue("s3_bucket")  # the emulator's environment first
    return S3AttachmentStore(boto3.client("s3"), name)


def read(store, sha256: str) -> bytes | None:
    body = store.open(sha256)
    if body is None:
        return None
    with body:
        return body.read()


def test_bytes_come_back_as_they_went_in_under_their_sha256(store):
    body = bytes(range(256)) * 40 + "Überweisung".encode()
    sha256 = store.put(body)
    assert sha256 == hashlib.sha256(body).hexdigest()
    assert read(store, sha256) == body


def test_the_same_bytes_twice_are_one_file(store):
    first = store.put(b"the same log")
    assert store.put(b"the same log") == first
    assert read(store, first) == b"the same log"


def test_what_was_never_put_is_none(store):
    assert read(store, hashlib.sha256(b"never put").hexdigest()) is None


def test_writers_racing_with_the_same_bytes_leave_one_whole_file(store):
    body = b"x" * 200_000
    threads = [threading.Thread(target=store.put, args=(body,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert read(store, hashlib.sha256(body).hexdigest()) == body


@pytest.mark.parametrize("store", ["s3", "files"], indirect=True)
def test_a_key_that_is_not_a_sha256_is_refused_by_the_stored_homes(store):
    with pytest.raises(ValueError, match="not a SHA-256"):
        store.open("../../secret_key")
