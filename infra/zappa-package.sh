#!/usr/bin/env bash
# Builds the zappa package of the web function (zappa_settings.json) without an AWS account or
# network: build/zappa/rtflow-web-<stage>.zip, ready for `zappa deploy <stage> --zip ...`.
#
#   ZAPPA_STAGE=dev ZAPPA_OUT=build/zappa bash infra/zappa-package.sh
#
# PYTHON (default .venv/bin/python) must have zappa (the `deploy` extra of pyproject.toml).
#
# zappa packages the current directory and the active virtualenv. Here the directory holds
# what serverless.yml packages (services/ and the example flow config) and the virtualenv only
# what the handler needs beyond the layer (zappa itself and durationpy): the third-party
# packages come from the same layer as serverless.yml's functions, built for the Lambda
# runtime (infra/package.sh), so nothing compiled for this machine's Python gets in.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

STAGE="${ZAPPA_STAGE:-dev}"
PYTHON="${PYTHON:-.venv/bin/python}"
OUT="${ZAPPA_OUT:-build/zappa}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
VENV="$OUT/venv"
SRC="$OUT/src"
STAMP="$OUT/venv.inputs.sha256"
ZIP="$OUT/rtflow-web-$STAGE.zip"

[[ -x "$PYTHON" ]] || command -v "$PYTHON" >/dev/null \
  || { echo "no Python at $PYTHON: create .venv or set PYTHON" >&2; exit 1; }
PYTHON="$(command -v "$PYTHON")"
# Absolute, not resolved: zappa lives in the virtualenv's bin, beside its python link.
[[ "$PYTHON" == /* ]] || PYTHON="$ROOT/$PYTHON"
ZAPPA="$(dirname "$PYTHON")/zappa"
[[ -x "$ZAPPA" ]] || { echo "no zappa next to $PYTHON: pip install -e '.[deploy]'" >&2; exit 1; }

# 1. The virtualenv zappa packages: zappa (its handler) and durationpy (which zappa.utilities
#    imports), pinned by constraints.txt, without their build-time dependencies. It has to be
#    made by the Python that runs zappa, which reads lib/python<its version>/site-packages.
inputs_hash="$(
  { grep -i -E '^(zappa|durationpy)==' constraints.txt; "$PYTHON" --version; } \
    | sha256sum | cut -d' ' -f1
)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$inputs_hash" ]]; then
  echo "==> zappa virtualenv up to date ($VENV)"
else
  echo "==> building the zappa virtualenv ($VENV)"
  rm -rf "$VENV" "$STAMP"
  "$PYTHON" -m venv --without-pip "$VENV"
  "$PYTHON" -m pip --python "$VENV/bin/python" install --quiet --disable-pip-version-check \
    --no-deps --no-compile -c constraints.txt zappa durationpy
  echo "$inputs_hash" > "$STAMP"
fi

# 2. The project directory zappa copies: the code and the example flow config (links; zappa
#    copies what they point at).
rm -rf "$SRC"
mkdir -p "$SRC/infra"
ln -s "$ROOT/services" "$SRC/services"
ln -s "$ROOT/infra/flow.example.yaml" "$SRC/infra/flow.example.yaml"

# 3. `zappa package` needs no credentials; --json skips its check for a newer release (a
#    request to PyPI), and use_precompiled_packages: false in zappa_settings.json its
#    download of Lambda wheels.
echo "==> zappa package $STAGE"
rm -f "$ZIP"
(cd "$SRC" && VIRTUAL_ENV="$VENV" "$ZAPPA" package "$STAGE" --json --disable_progress \
  -s "$ROOT/zappa_settings.json" -o "$ZIP")

echo "==> $ZIP ($(du -h "$ZIP" | cut -f1))"
