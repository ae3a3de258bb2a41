"""Reads the CloudFormation YAML in infra/resources, short-form intrinsics included (!Ref,
!Sub, !GetAtt ...), into the plain JSON form, and merges the files into one template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


class _CfnLoader(yaml.SafeLoader):
    pass


def _intrinsic(tag: str):
    name = "Ref" if tag == "Ref" else f"Fn::{tag}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, yaml.MappingNode):
            value = loader.construct_mapping(node, deep=True)
        else:
            raise yaml.constructor.ConstructorError(
                None, None, f"!{tag}: unexpected node", node.start_mark
            )
        return {name: value}

    return construct


for _tag in (
    "Ref",
    "Sub",
    "GetAtt",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "Not",
    "And",
    "Or",
    "FindInMap",
    "ImportValue",
    "Base64",
    "GetAZs",
    "Cidr",
):
    _CfnLoader.add_constructor(f"!{_tag}", _intrinsic(_tag))


def load_template(directory: Path = RESOURCES) -> dict:
    template: dict = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}, "Outputs": {}}
    for path in sorted(directory.glob("*.yml")):
        part = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader) or {}  # noqa: S506 - SafeLoader subclass
        for section in ("Resources", "Outputs", "Conditions"):
            for name, body in (part.get(section) or {}).items():
                if name in template.setdefault(section, {}):
                    raise ValueError(f"{path.name}: {section}.{name} is defined twice")
                template[section][name] = body
    return template
