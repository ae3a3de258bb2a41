# The README's commands. `make run` and `make test` set up everything they need on a fresh
# machine (a virtualenv in .venv, pinned by constraints.txt; Node tools pinned by
# package-lock.json).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
# The browser tests drive Debian's chromium (playwright's own browser download cannot run here).
CHROMIUM := /usr/bin/chromium
# The Alertmanager end-to-end test runs Debian's Alertmanager against the embedded stack.
ALERTMANAGER := /usr/bin/prometheus-alertmanager
# The LDAP sign-in tests start Debian's slapd on loopback from a generated config (the
# package's own instance is never used).
SLAPD := /usr/sbin/slapd
# `rtflow import-rt` is tested against Debian's Request Tracker 5 (SQLite, standalone server),
# installed with its debconf answers and a test site config by infra/rt/install.sh.
RT_CONFIG := /etc/request-tracker5/RT_SiteConfig.d/99-rtflow-tests.pm
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT    := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends

.PHONY: run run-aws test test-fast lint package bench fuzz lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.local: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[local]'
	touch $@

$(VENV)/.test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.local

$(CHROMIUM):
	$(APT) chromium || ($(SUDO) apt-get update -q && $(APT) chromium)

$(ALERTMANAGER):
	$(APT) prometheus-alertmanager || ($(SUDO) apt-get update -q && $(APT) prometheus-alertmanager)

$(RT_CONFIG): infra/rt/install.sh infra/rt/preseed.txt infra/rt/99-rtflow-tests.pm
	bash infra/rt/install.sh

$(SLAPD):
	$(APT) slapd || ($(SUDO) apt-get update -q && $(APT) slapd)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

run: $(VENV)/.local            ## the whole product on 127.0.0.1:$${PORT:-8000}
	$(BIN)/rtflow run

run-aws: $(VENV)/.local        ## the same on the AWS emulator (moto): nothing is kept after it stops
	RTFLOW_BACKEND=aws $(BIN)/rtflow run

test: $(VENV)/.test node_modules/.package-lock.json $(CHROMIUM) $(ALERTMANAGER) $(SLAPD) $(RT_CONFIG)   ## the whole suite
	$(BIN)/python -m pytest

test-fast: $(VENV)/.test   ## unit and integration tests without real servers, in parallel (< 1 min)
	$(BIN)/python -m pytest -q -n 2 -m "not e2e and not slow" tests/unit tests/integration

# The gates: style and complexity (ruff, at most 10 per function), types (mypy; strict on the
# domain and application layers), file size (400 lines), and the import contracts.
lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tools/max_lines.py
	$(BIN)/lint-imports

bench: $(VENV)/.test   ## benchmarks: tables on stdout, JSON in .bench/ (not part of `make test`)
	$(BIN)/python -m tests.bench.run

# Offline: serverless.yml's package (.serverless/) and its LocalStack stage (build/localstack/)
# with cfn-lint, and the zappa package of the web function (build/zappa/).
# The JSON API under schemathesis: every phase and every check, anonymous and with a staff
# token, against the app on a fresh SQLite home; figures on stdout and in .bench/fuzz.json.
# `make test` runs a few hundred of these cases (tests/integration/security/test_api_fuzz.py).
fuzz: $(VENV)/.test   ## thousands of generated API requests (FUZZ_EXAMPLES per operation, default 100)
	$(BIN)/python -m tests.integration.security.fuzzing --examples $${FUZZ_EXAMPLES:-100}

package: $(VENV)/.test node_modules/.package-lock.json   ## deployment packages, offline
	PYTHON=$(BIN)/python bash infra/package.sh
	STAGE=local PACKAGE_DIR=build/localstack PYTHON=$(BIN)/python bash infra/package.sh
	PYTHON=$(BIN)/python bash infra/zappa-package.sh

# Re-pin every dependency to the newest release the ranges in pyproject.toml allow.
lock:
	rm -rf build/lock && $(PYTHON) -m venv build/lock
	build/lock/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
	build/lock/bin/python -m pip freeze --exclude rtflow > constraints.txt
	rm -rf build/lock

clean:
	rm -rf $(VENV) node_modules .serverless build .pytest_cache
