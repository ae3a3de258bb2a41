#!/usr/bin/env bash
# Builds the AWS deployment without an AWS account: the dependency layer, the osls package
# (CloudFormation templates and zips in .serverless/) and a cfn-lint pass over the templates.
#
#   STAGE=prod bash infra/package.sh [extra osls options, e.g. --param="baseUrl=https://..."]
#   STAGE=local PACKAGE_DIR=build/localstack bash infra/package.sh    # the LocalStack stage
#
# PYTHON (default .venv/bin/python) must have pip and cfn-lint.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

STAGE="${STAGE:-dev}"
PYTHON="${PYTHON:-.venv/bin/python}"
OUT="${PACKAGE_DIR:-.serverless}"
LAYER=build/layer
STAMP=build/layer.inputs.sha256
# The Lambda runtime, not the build machine's: wheels only, for CPython 3.12 on x86_64.
PIP_TARGET_FLAGS=(--platform manylinux2014_x86_64 --implementation cp --python-version 3.12
                  --only-binary=:all:)

command -v node >/dev/null || { echo "node is required (Node 20.19+)" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
[[ -x "$PYTHON" ]] || command -v "$PYTHON" >/dev/null \
  || { echo "no Python at $PYTHON: create .venv or set PYTHON" >&2; exit 1; }

# 1. osls, as pinned by package-lock.json. npm writes node_modules/.package-lock.json on each
#    install, so a lock newer than it means node_modules is stale.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi

# 2. The layer: [project].dependencies of pyproject.toml, pinned by constraints.txt when present.
#    Rebuilt only when the requirement list, the constraints or the pip flags change.
mkdir -p build
"$PYTHON" - > build/layer-requirements.txt <<'EOF'
import tomllib

with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["dependencies"]))
EOF
constraints=()
[[ -f constraints.txt ]] && constraints=(-c constraints.txt)
inputs_hash="$(
  {
    cat build/layer-requirements.txt
    [[ -f constraints.txt ]] && cat constraints.txt
    echo "${PIP_TARGET_FLAGS[*]}"
  } | sha256sum | cut -d' ' -f1
)"
if [[ -d "$LAYER/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$inputs_hash" ]]; then
  echo "==> layer up to date ($LAYER)"
else
  echo "==> building layer ($LAYER)"
  rm -rf "$LAYER.tmp" "$STAMP"
  # --no-compile: .pyc files made by this Python would not match the runtime's 3.12.
  # quotequail is published as a source distribution only: build its (pure Python) wheel
  # here, so the layer install can stay wheels-only for the runtime's platform.
  rm -rf build/wheels
  "$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps \
    "${constraints[@]}" quotequail -w build/wheels
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-compile \
    --target "$LAYER.tmp/python" "${PIP_TARGET_FLAGS[@]}" --find-links build/wheels \
    "${constraints[@]}" -r build/layer-requirements.txt
  # Console scripts point at this machine's interpreter; nothing runs them on Lambda.
  rm -rf "$LAYER.tmp/python/bin"
  rm -rf "$LAYER"
  mv "$LAYER.tmp" "$LAYER"
  echo "$inputs_hash" > "$STAMP"
fi

# 3. Templates and zips. infra/osls-offline.cjs answers the one CloudFormation question osls
#    asks while packaging a layer (is a deployed stack holding it already?), so no AWS
#    account or network is needed.
echo "==> osls package --stage $STAGE"
NODE_OPTIONS="--require ./infra/osls-offline.cjs ${NODE_OPTIONS:-}" \
  npx --no-install osls package --stage "$STAGE" --package "$OUT" "$@"

# 4. Lint both templates; any finding fails the build (suppressions live in serverless.yml).
echo "==> cfn-lint"
"$PYTHON" -c 'import sys; from cfnlint.runner import main; sys.exit(main())' \
  "$OUT/cloudformation-template-create-stack.json" \
  "$OUT/cloudformation-template-update-stack.json"

echo "==> artifacts in $OUT/ (stage $STAGE)"
ls -l "$OUT"
echo "layer: $(du -sh "$LAYER/python" | cut -f1) unzipped, $(du -h "$OUT/deps.zip" | cut -f1) zipped"
