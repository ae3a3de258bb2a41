"""Reads the flow config YAML and reports every problem with the file's name and the path
of each bad entry, so an operator can fix the file without reading code."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from services.domain.errors import ConfigError
from services.domain.flow import FlowConfig

# libyaml's parser when PyYAML has it (its wheels do): ~2 ms for the example flow config where
# the pure-Python one takes ~12 ms of every cold start. The same safe constructors either way.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_flow(path: Path) -> FlowConfig:
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except OSError as e:
        raise ConfigError(f"flow config {path}: cannot read it ({e.strerror})") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"flow config {path}: not valid YAML: {e}") from None
    try:
        return FlowConfig.model_validate(raw)
    except ValidationError as e:
        problems = "\n".join(
            f"  {'.'.join(str(p) for p in err['loc']) or '(top)'}: "
            f"{err['msg'].removeprefix('Value error, ')}"
            for err in e.errors()
        )
        raise ConfigError(f"flow config {path} is invalid:\n{problems}") from None
