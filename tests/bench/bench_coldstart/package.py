"""The deployment package's sizes, read from what `make package` left in .serverless/ and
build/layer."""

from __future__ import annotations

import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .paths import LAYER, PACKAGE_DIR, ROOT

LAMBDA_LIMIT_BYTES = 250 * 1024 * 1024  # unzipped: function code and all its layers


def _tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def zip_summary(path: Path, strip: str = "") -> dict[str, Any]:
    """A zip's size, its unzipped size, and both per top-level entry (after `strip`)."""
    groups: dict[str, list[int]] = {}
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    for info in infos:
        name = info.filename.removeprefix(strip)
        top = name.split("/", 1)[0]
        if top.endswith(".dist-info"):
            top = "*.dist-info"
        group = groups.setdefault(top, [0, 0])
        group[0] += info.file_size
        group[1] += info.compress_size
    by_top = sorted(groups.items(), key=lambda kv: -kv[1][0])
    return {
        "bytes": path.stat().st_size,
        "unzipped_bytes": sum(i.file_size for i in infos),
        "files": len(infos),
        "modified": datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds"),
        "by_top": [{"name": n, "unzipped": u, "zipped": z} for n, (u, z) in by_top],
    }


def package_sizes() -> dict[str, Any]:
    out: dict[str, Any] = {"present": False}
    code, deps = PACKAGE_DIR / "rtflow.zip", PACKAGE_DIR / "deps.zip"
    if not (code.is_file() and deps.is_file()):
        out["note"] = "no .serverless/rtflow.zip and deps.zip: run `make package` first"
        return out
    out.update(present=True, code=zip_summary(code), deps=zip_summary(deps, strip="python/"))
    if LAYER.is_dir():
        out["layer_dir_bytes"] = _tree_bytes(LAYER)
    # What infra/package.sh builds the layer from: the dependency list, pinned by constraints.
    stale = []
    with open(ROOT / "pyproject.toml", "rb") as f:
        wanted = "\n".join(tomllib.load(f)["project"]["dependencies"])
    built = ROOT / "build" / "layer-requirements.txt"
    if not built.is_file() or built.read_text(encoding="utf-8").strip() != wanted.strip():
        stale.append("the dependencies of pyproject.toml")
    constraints = ROOT / "constraints.txt"
    if constraints.is_file() and constraints.stat().st_mtime > deps.stat().st_mtime:
        stale.append("constraints.txt")
    out["stale_inputs"] = stale
    return out
