"""The DynamoDB table of infra/resources, made with DynamoDB's own API (any compatible
endpoint), or compared with the one already there."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .template import Made

# The properties this maker understands; another in the template is an error, not ignored.
_KNOWN = {
    "TableName",
    "BillingMode",
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "StreamSpecification",
    "TimeToLiveSpecification",
    "PointInTimeRecoverySpecification",
}


def _request(props: dict[str, Any]) -> dict[str, Any]:
    unknown = set(props) - _KNOWN
    if unknown:
        raise ValueError(f"table {props.get('TableName')}: cannot make {sorted(unknown)}")
    request = {
        k: props[k] for k in ("TableName", "BillingMode", "AttributeDefinitions", "KeySchema")
    }
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if "StreamSpecification" in props:
        request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return request


def _indexes(indexes: list[dict[str, Any]]) -> dict[str, tuple]:
    return {
        i["IndexName"]: (
            tuple((k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]),
            i["Projection"].get("ProjectionType"),
            tuple(sorted(i["Projection"].get("NonKeyAttributes", []))),
        )
        for i in indexes
    }


def differences(described: dict[str, Any], request: dict[str, Any]) -> list[str]:
    """What the table there lacks or has otherwise than the template says, in words."""
    name = request["TableName"]
    found: list[str] = []
    if described["KeySchema"] != request["KeySchema"]:
        found.append(f"table {name}: its key is not pk (hash) and sk (range)")
    there = _indexes(described.get("GlobalSecondaryIndexes", []))
    for index, shape in _indexes(request.get("GlobalSecondaryIndexes", [])).items():
        if index not in there:
            found.append(f"table {name}: index {index} is missing")
        elif there[index] != shape:
            found.append(f"table {name}: index {index} has other keys or another projection")
    stream = described.get("StreamSpecification") or {}
    wanted = request.get("StreamSpecification")
    if wanted and (
        not stream.get("StreamEnabled") or stream.get("StreamViewType") != wanted["StreamViewType"]
    ):
        found.append(f"table {name}: its stream is not on with {wanted['StreamViewType']}")
    return found


def make_table(ddb, props: dict[str, Any]) -> tuple[Made, list[str]]:
    request = _request(props)
    name = request["TableName"]
    try:
        ddb.create_table(**request)
        created = True
    except ClientError as e:
        if e.response["Error"]["Code"] != "ResourceInUseException":
            raise
        created = False
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    described = ddb.describe_table(TableName=name)["Table"]
    found = [] if created else differences(described, request)
    _time_to_live(ddb, name, props.get("TimeToLiveSpecification"))
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        ddb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    attributes = {"Arn": described["TableArn"], "StreamArn": described.get("LatestStreamArn", "")}
    return Made(name, attributes), found


def _time_to_live(ddb, name: str, spec: dict[str, Any] | None) -> None:
    if not spec or not spec.get("Enabled"):
        return
    now = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    if now.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        return
    ddb.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"AttributeName": spec["AttributeName"], "Enabled": True},
    )
