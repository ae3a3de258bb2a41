"""The cold-start benchmark's pure helpers: which handlers serverless.yml names, what a
handler's first call builds, and how -X importtime's lines are attributed (nothing timed)."""

from __future__ import annotations

import zipfile
from types import SimpleNamespace

from tests.bench.bench_coldstart.handlers import first_call_plan, handlers_from_serverless
from tests.bench.bench_coldstart.importtime import (
    attribute,
    merge_attributions,
    own_time,
    parse_importtime,
)
from tests.bench.bench_coldstart.package import zip_summary
from tests.bench.bench_coldstart.paths import ROOT

SERVERLESS = """
service: x
provider:
  environment:
    TABLE: !Ref TicketsTable
functions:
  web:
    handler: services/intake/handler.handler
    events:
      - httpApi: "*"
  reports:
    handler: services/scheduler/report_handler.handler
    events:
      - schedule: {rate: cron(0 5 * * ? *), input: {kind: daily}}
      - schedule:
          rate: rate(1 minute)
"""


def test_handlers_are_read_from_serverless_yml_with_its_tags_and_cron_rules():
    assert handlers_from_serverless(SERVERLESS) == [
        ("web", "services.intake.handler"),
        ("reports", "services.scheduler.report_handler"),
    ]


def test_every_function_of_the_real_serverless_yml_has_a_handler_module():
    functions = handlers_from_serverless((ROOT / "serverless.yml").read_text(encoding="utf-8"))
    assert functions
    for _, module in functions:
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), module


HANDLER = """
from .logic import Deps

def _container():
    from services.adapters.bootstrap import container
    return container()

def _deps():
    from services.adapters.http import default_poster
    from .app import create_app as make
    c = _container()
    make(container())
    return Deps(tickets=c.tickets, poster=default_poster(), s3=c.client("s3"), url=c.settings.url)

def handler(event, context):
    if not _container().flow.subscriptions:
        return
    Deps.build(event)
"""


def test_the_first_call_builds_the_lazy_imports_and_the_containers_attributes():
    plan = first_call_plan(HANDLER, "services.notify.webhook_handler").splitlines()
    assert plan[:3] == [
        "from services.adapters.bootstrap import container",
        "from services.adapters.http import default_poster",
        "from services.notify.app import create_app as make",
    ]
    for line in ("__c.tickets", "__c.settings", "__c.flow", "__c.client('s3')", "make(__c)"):
        assert line in plan
    assert "default_poster()" in plan
    assert not any(line.startswith(("Deps", "container()", "_container()")) for line in plan)


def test_the_first_call_plan_of_every_real_handler_compiles():
    for _, module in handlers_from_serverless((ROOT / "serverless.yml").read_text("utf-8")):
        source = (ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
        compile(first_call_plan(source, module), module, "exec")


IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       100 |        100 | site
@@import
import time:      3000 |       3000 |   pynamodb
import time:     10000 |      10000 |       botocore.exceptions
import time:     20000 |      30000 |     botocore
import time:      5000 |      35000 |   pynamodb.connection
import time:      7000 |       7000 |     pydantic
import time:      2000 |       2000 |     email_validator
import time:      4000 |      13000 |   services.domain.flow
import time:      1000 |      52000 | services.relay.handler
@@first-call
import time:      9000 |       9000 |   botocore.config
import time:      6000 |      15000 | boto3
@@end
"""


def test_importtime_lines_get_their_phase_depth_and_parent():
    entries = parse_importtime(IMPORTTIME)
    assert [e.name for e in entries][:3] == ["pynamodb", "botocore.exceptions", "botocore"]
    assert "site" not in [e.name for e in entries]
    by_name = {e.name: e for e in entries}
    assert by_name["botocore.exceptions"].depth == 3
    assert entries[by_name["botocore.exceptions"].parent].name == "botocore"
    assert entries[by_name["pydantic"].parent].name == "services.domain.flow"
    assert by_name["services.relay.handler"].parent is None
    assert by_name["boto3"].phase == "first-call"
    assert entries[by_name["botocore.config"].parent].name == "boto3"


def test_packages_are_attributed_to_who_imported_them_first():
    third = attribute(parse_importtime(IMPORTTIME), ["pynamodb", "botocore", "pydantic", "boto3"])
    assert list(third) == ["botocore", "pynamodb", "boto3", "pydantic"]  # by cumulative ms
    assert third["pynamodb"]["ms"] == 38.0
    assert third["pynamodb"]["chain"] == ["services.relay.handler"]
    # botocore.config, inside boto3, is botocore's second outermost import
    assert third["botocore"]["ms"] == 39.0
    assert third["botocore"]["nested_in"] == "pynamodb"
    assert third["botocore"]["phase"] == "import"
    assert third["pydantic"]["chain"] == ["services.relay.handler", "services.domain.flow"]
    assert third["boto3"] | {"ms": 0} == {
        "ms": 0,
        "self_ms": 6.0,
        "phase": "first-call",
        "by": None,
        "nested_in": None,
        "chain": [],
    }
    assert "email_validator" not in third  # not in the child's third-party list


def test_our_modules_own_time_is_their_self_time():
    assert own_time(parse_importtime(IMPORTTIME)) == {
        "services.domain.flow": 4.0,
        "services.relay.handler": 1.0,
    }


def test_attributions_of_several_runs_are_medians():
    runs = [
        {"a": {"ms": 10.0, "self_ms": 1.0, "chain": ["x"]}},
        {"a": {"ms": 30.0, "self_ms": 3.0, "chain": ["y"]}, "b": {"ms": 50.0, "self_ms": 5.0}},
        {"a": {"ms": 20.0, "self_ms": 2.0, "chain": ["z"]}},
    ]
    merged = merge_attributions(runs)
    assert list(merged) == ["a", "b"]
    assert merged["a"] == {"ms": 20.0, "self_ms": 2.0, "chain": ["x"]}
    assert merged["b"]["ms"] == 0.0


def test_zip_summary_groups_by_top_level_entry(tmp_path):
    path = tmp_path / "deps.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("python/botocore/a.py", "x" * 100)
        zf.writestr("python/botocore/data/b.json", "y" * 300)
        zf.writestr("python/six.py", "z" * 10)
        zf.writestr("python/six-1.17.0.dist-info/METADATA", "m" * 5)
    summary = zip_summary(path, strip="python/")
    assert summary["files"] == 4
    assert summary["unzipped_bytes"] == 415
    assert [(g["name"], g["unzipped"]) for g in summary["by_top"]] == [
        ("botocore", 400),
        ("six.py", 10),
        ("*.dist-info", 5),
    ]


def test_the_first_call_ends_with_the_dynamodb_client_of_the_first_request():
    from tests.bench.bench_coldstart.handlers import FIRST_REQUEST

    plan = first_call_plan(HANDLER, "services.notify.webhook_handler").splitlines()
    assert plan[-1] == FIRST_REQUEST
    # Only when the first call built the table: a container without one builds nothing.
    namespace = {"__c": SimpleNamespace(settings=None)}
    exec(compile(FIRST_REQUEST, "<first request>", "exec"), namespace)  # noqa: S102
    assert "__m" not in namespace
