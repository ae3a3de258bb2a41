"""The S3 buckets of infra/resources, made with S3's own API, or compared with the ones
already there. CloudFormation names a bucket itself; here the name is the stack's, the
resource's and the account's, so it is the same each time and unique across accounts."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from .template import Made

_KNOWN = {
    "BucketEncryption",
    "PublicAccessBlockConfiguration",
    "OwnershipControls",
    "LifecycleConfiguration",
}


def bucket_name(stack: str, logical_id: str, account: str) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", "-", logical_id).lower()
    return f"{stack}-{words}-{account}"[:63]


def _lifecycle(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """CloudFormation's lifecycle rules in S3's API shape."""
    out = []
    for rule in rules:
        api: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": ""}}
        if "ExpirationInDays" in rule:
            api["Expiration"] = {"Days": rule["ExpirationInDays"]}
        if "AbortIncompleteMultipartUpload" in rule:
            api["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
        out.append(api)
    return {"Rules": out}


def _configure(s3, name: str, props: dict[str, Any]) -> None:
    if "BucketEncryption" in props:
        rules = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                    for r in rules
                ]
            },
        )
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    if "OwnershipControls" in props:
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=props["OwnershipControls"])
    if "LifecycleConfiguration" in props:
        s3.put_bucket_lifecycle_configuration(
            Bucket=name,
            LifecycleConfiguration=_lifecycle(props["LifecycleConfiguration"]["Rules"]),
        )


def _differences(s3, name: str, props: dict[str, Any]) -> list[str]:
    """A bucket that is there must at least keep the public out: that is checked."""
    wanted = props.get("PublicAccessBlockConfiguration")
    if not wanted:
        return []
    try:
        there = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
            raise
        there = {}
    if all(there.get(k) == v for k, v in wanted.items()):
        return []
    return [f"bucket {name}: public access is not blocked as infra/resources says"]


def make_bucket(s3, name: str, props: dict[str, Any], region: str) -> tuple[Made, list[str]]:
    unknown = set(props) - _KNOWN
    if unknown:
        raise ValueError(f"bucket {name}: cannot make {sorted(unknown)}")
    try:
        s3.head_bucket(Bucket=name)
        found = _differences(s3, name, props)
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
        where = {} if region == "us-east-1" else {"LocationConstraint": region}
        s3.create_bucket(Bucket=name, **({"CreateBucketConfiguration": where} if where else {}))
        _configure(s3, name, props)
        found = []
    return Made(name, {"Arn": f"arn:aws:s3:::{name}"}), found
