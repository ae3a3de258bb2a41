"""Where the benchmark finds the checkout, its interpreter and what `make package` built."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SERVERLESS = ROOT / "serverless.yml"
PACKAGE_DIR = ROOT / ".serverless"
LAYER = ROOT / "build" / "layer" / "python"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
