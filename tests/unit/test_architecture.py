"""The dependency rule of DESIGN.md, as import-linter contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Runs lint-imports and a fresh interpreter: real processes.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_importing_a_handler_builds_no_client_and_reads_no_setting():
    code = (
        "import sys, os\n"
        "os.environ.pop('RTFLOW_SECRET_KEY', None)\n"
        # Settings() would fail without the secret: building the container at import would show.
        "import services.relay.handler, services.notify.handler\n"
        "assert 'flask' not in sys.modules, 'a queue handler imports the web framework'\n"
        "import services.intake.handler\n"
        "import services.adapters.bootstrap as b\n"
        "assert b.container.cache_info().currsize == 0\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
