"""infra/resources as a list of resources to make, with CloudFormation's intrinsics resolved
against what is already made: `${AWS::StackName}` from the stage, `!Ref` and `!GetAtt` from
the resource they name (made first)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.local.cfn import load_template

# The stack name serverless.yml gives a stage; resource names derive from it.
SERVICE = "rtflow"


@dataclass(frozen=True)
class Made:
    """What a made resource answers to `!Ref` and to `!GetAtt` (Arn, StreamArn ...)."""

    ref: str
    attributes: dict[str, str]


def stack_name(stage: str) -> str:
    return f"{SERVICE}-{stage}"


class Resolver:
    def __init__(self, stack: str, region: str, account: str, made: Callable[[str], Made]):
        self.pseudo = {
            "AWS::StackName": stack,
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": "aws",
        }
        self.made = made

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            name = value["Ref"]
            return self.pseudo[name] if name in self.pseudo else self.made(name).ref
        if set(value) == {"Fn::GetAtt"}:
            name, attribute = value["Fn::GetAtt"]
            return self.made(name).attributes[attribute]
        if set(value) == {"Fn::Sub"}:
            return re.sub(r"\$\{([^}]+)\}", lambda m: str(self._sub(m.group(1))), value["Fn::Sub"])
        return {k: self(v) for k, v in value.items()}

    def _sub(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        resource, _, attribute = name.partition(".")
        made = self.made(resource)
        return made.attributes[attribute] if attribute else made.ref


def resources() -> dict[str, dict]:
    return load_template()["Resources"]


def outputs() -> dict[str, Any]:
    return load_template()["Outputs"]
