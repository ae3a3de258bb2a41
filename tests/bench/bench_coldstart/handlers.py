"""The Lambda handlers of serverless.yml, and what each one's first call builds before its first
AWS request, read off the handler module's source."""

from __future__ import annotations

import ast
import json
import re

import yaml

CONTAINER_FUNCS = ("container", "_container")  # the composition root, as handlers call it


class _TolerantLoader(yaml.SafeLoader):
    """serverless.yml with its CloudFormation tags (!Ref, !GetAtt, ...) read as None."""


_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_SCHEDULE = re.compile(r"(?<![\w\"'])(?:cron|rate)\([^)]*\)")


def handlers_from_serverless(text: str) -> list[tuple[str, str]]:
    """(function name, module) of every function of serverless.yml, in its order:
    `services/intake/handler.handler` is module services.intake.handler."""
    # `{rate: cron(0 5 * * ? *)}`: js-yaml (osls) reads the `?` as text, PyYAML as a key
    # indicator in a flow mapping and fails. Quoted, both read the same string.
    text = _SCHEDULE.sub(lambda m: json.dumps(m.group(0)), text)
    doc = yaml.load(text, Loader=_TolerantLoader) or {}  # noqa: S506 - a SafeLoader subclass
    out = []
    for name, spec in (doc.get("functions") or {}).items():
        path = (spec or {}).get("handler")
        if path:
            module_path, _, _function = path.rpartition(".")
            out.append((name, module_path.replace("/", ".")))
    return out


def _absolute(module: str | None, level: int, package: str) -> str:
    if not level:
        return module or ""
    base = package.rsplit(".", level - 1)[0] if level > 1 else package
    return f"{base}.{module}" if module else base


def _import_line(node: ast.AST, package: str) -> tuple[str, list[str]] | None:
    """A function's import as an absolute statement, and the names a `from` import binds."""
    if isinstance(node, ast.ImportFrom):
        names = ", ".join(
            a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names
        )
        line = f"from {_absolute(node.module, node.level, package)} import {names}"
        return line, [a.asname or a.name for a in node.names]
    if isinstance(node, ast.Import):
        return "import " + ", ".join(a.name for a in node.names), []
    return None


def lazy_imports(tree: ast.AST, package: str) -> tuple[list[str], set[str]]:
    """Every import inside a function (made absolute, once each), and the names they bind."""
    imports: list[str] = []
    lazy: set[str] = set()
    functions = (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
    for fn in functions:
        for found in filter(None, (_import_line(node, package) for node in ast.walk(fn))):
            line, names = found
            lazy.update(names)
            if line not in imports:
                imports.append(line)
    return imports, lazy


class ContainerUse:
    """Where a handler's source holds the container: `container()` / `_container()` calls and
    the names assigned one."""

    def __init__(self, tree: ast.AST):
        self.holders = {
            t.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and self.is_call(node.value)
            for t in node.targets
            if isinstance(t, ast.Name)
        }

    @staticmethod
    def is_call(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in CONTAINER_FUNCS
        )

    def holds(self, node: ast.AST) -> bool:
        return self.is_call(node) or (isinstance(node, ast.Name) and node.id in self.holders)

    def arg(self, node: ast.AST) -> str | None:
        """An argument as the plan writes it: the container, a constant, or None (anything)."""
        if self.holds(node):
            return "__c"
        if isinstance(node, ast.Constant):
            return repr(node.value)
        return None

    def call_args(self, node: ast.Call) -> str | None:
        """A call's arguments, when every one of them is the container or a constant."""
        parts = [self.arg(a) for a in node.args] + [
            None if k.arg is None else (f"{k.arg}={v}" if (v := self.arg(k.value)) else None)
            for k in node.keywords
        ]
        return None if None in parts else ", ".join(p for p in parts if p is not None)


def _attributes(tree: ast.AST, container: ContainerUse) -> list[str]:
    """The attributes read off the container, on any path, once each in order."""
    attrs: list[str] = []
    for node in ast.walk(tree):
        is_read = isinstance(node, ast.Attribute) and container.holds(node.value)
        if is_read and node.attr not in attrs:
            attrs.append(node.attr)
    return attrs


def _call_line(node: ast.Call, container: ContainerUse, lazy: set[str]) -> str | None:
    """A container method's or a lazily imported function's call with constant arguments."""
    func = node.func
    if isinstance(func, ast.Attribute) and container.holds(func.value):
        name = f"__c.{func.attr}"
    elif isinstance(func, ast.Name) and func.id in lazy - set(CONTAINER_FUNCS):
        name = func.id
    else:
        return None
    args = container.call_args(node)
    return None if args is None else f"{name}({args})"


def _calls(tree: ast.AST, container: ContainerUse, lazy: set[str]) -> list[str]:
    calls: list[str] = []
    for node in ast.walk(tree):
        line = _call_line(node, container, lazy) if isinstance(node, ast.Call) else None
        if line is not None and line not in calls:
            calls.append(line)
    return calls


# What the first DynamoDB request builds, when the first call built the table (c.models): the
# item models' botocore client (one for them all, and the table's transactions). Before any
# request, so nothing is sent.
FIRST_REQUEST = (
    'if "models" in vars(__c): import services.adapters.dynamo.models as __m; '
    "__m.TicketItem._get_connection().connection.client"
)


def first_call_plan(source: str, module: str) -> str:
    """Python source that builds what the handler's first call builds before any AWS request,
    read off the handler module's source:

    - every import inside a function (made absolute);
    - every attribute read off the container (`c = container(); c.tickets`,
      `_container().flow`), on any path, and `c.client("s3")`-like calls with constant args;
    - calls of the function-level imports whose arguments are constants or the container
      (`create_app(container())`, `default_poster()`);
    - the DynamoDB client the first request builds, if the first call built the table.
    """
    tree = ast.parse(source)
    imports, lazy = lazy_imports(tree, module.rpartition(".")[0])
    container = ContainerUse(tree)
    lines = [
        *imports,
        "from services.adapters.bootstrap import container as __container",
        "__c = __container()",
        *(f"__c.{a}" for a in _attributes(tree, container)),
        *_calls(tree, container, lazy),
        FIRST_REQUEST,
    ]
    return "\n".join(lines) + "\n"
