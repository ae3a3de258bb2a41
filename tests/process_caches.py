"""What every test of a process would otherwise build again: each test has an app, a container
and often a stack of its own, and the libraries under them parse and compile the same data
for each. Each cache here gives the same result as the work it saves; tests/conftest.py
installs them once per process (per xdist worker)."""

from __future__ import annotations

import functools
import json
from typing import Any

import jinja2


def install() -> None:
    _share_botocore_data()
    _share_compiled_templates()
    _share_url_builders()


def _share_botocore_data() -> None:
    """Every botocore session of the process reads botocore's data (endpoints, service models:
    megabytes of JSON) through one loader, parsed once. Each test binds the models to its own
    table, so each builds new pynamodb connections, each with a session of its own: without
    this, parsing that JSON again was a third of an integration test's time. One session
    making many clients shares its loader the same way."""
    import botocore.session

    botocore.session.create_loader = functools.cache(botocore.session.create_loader)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once for the process: each test builds an app of its own, whose
    Jinja environment would compile every page it renders again. A template whose source
    changed is compiled again (the bucket checks the source's checksum)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def _share_compiled_templates() -> None:
    import flask

    flask.Flask.jinja_options = {
        **flask.Flask.jinja_options,
        "bytecode_cache": _CompiledTemplates(),
    }


def _share_url_builders() -> None:
    """Werkzeug compiles two URL builders (Python source, through `compile`) for each route of
    each app: most of the time an app takes to build. A builder is a function of the route's
    parts alone (it reads the rule's converters from the rule it is bound to at each call), so
    a route with the same parts reuses the one compiled first. A route with a default for one
    of its variables bakes that value in: it is compiled as before."""
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder
    compiled: dict[tuple, Any] = {}

    def compile_builder(rule: Rule, append_unknown: bool = True) -> Any:
        defaults = rule.defaults or {}
        if any(is_dynamic and data in defaults for is_dynamic, data in rule._trace):
            return original(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), tuple(defaults), append_unknown)
        if key not in compiled:
            compiled[key] = original(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = compile_builder  # type: ignore[method-assign,assignment]


@functools.cache
def stack_template() -> str:
    """infra/resources as one CloudFormation template in JSON, read once."""
    from infra.local.cfn import load_template

    return json.dumps(load_template())


def read_json_templates_as_json() -> None:
    """moto reads every template body with PyYAML's pure-Python parser before it tries JSON;
    the suite's stacks are JSON (stack_template), read here as JSON: the same dict."""
    from moto.cloudformation.models import Stack

    original = Stack.parse_template

    def parse_template(template: str) -> dict[str, Any]:
        try:
            return json.loads(template)
        except ValueError:
            return original(template)

    Stack.parse_template = staticmethod(parse_template)  # type: ignore[method-assign]
