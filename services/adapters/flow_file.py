"""Reads the flow config YAML and reports every problem with the file's name and the path
of each bad entry, so an operator can fix the file without reading code."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from services.domain.errors import ConfigError
from services.domain.flow import FlowConfig


def load_flow(path: Path) -> FlowConfig:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
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
