"""What is measured: the floors (the interpreter, boto3, pynamodb, three DynamoDB clients) and
every handler of serverless.yml with its first call."""

from __future__ import annotations

from dataclasses import dataclass, field

from .handlers import first_call_plan
from .paths import ROOT

FLOORS = {
    "python -c pass": None,
    "import boto3": ["boto3"],
    "import pynamodb.models": ["pynamodb.models"],
    "boto3 + pynamodb": ["boto3", "pynamodb.models"],
}
FLOOR = "boto3 + pynamodb"
FLOOR_FIRST_CALL = "import boto3\nboto3.session.Session().client('sqs')\n"
# pynamodb alone gives each model class its own connection, so its own botocore Session and
# DynamoDB client; the item models share the table's (services/adapters/dynamo/models.py). What
# the clients of two item models and the table's transactions `connection` cost: one client.
DYNAMO = "dynamo: 3 DynamoDB connections"
DYNAMO_FIRST_CALL = """\
from services.adapters.dynamo.models import EventItem, TicketItem
from services.adapters.dynamo import DynamoTable
m = DynamoTable("rtflow-bench-tickets", "eu-west-1")
TicketItem._get_connection().connection.client
EventItem._get_connection().connection.client
m.connection.client
"""


@dataclass
class Subject:
    label: str
    modules: list[str] | None  # None: the bare interpreter (`-c pass`)
    first_call: str = ""
    handler: bool = False
    function: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)


def subjects(functions: list[tuple[str, str]]) -> list[Subject]:
    """The floors, then each (function, handler module) with its first call's plan."""
    out = [
        Subject(label, modules, first_call=FLOOR_FIRST_CALL if label == FLOOR and modules else "")
        for label, modules in FLOORS.items()
    ]
    out.append(Subject(DYNAMO, ["services.adapters.dynamo"], DYNAMO_FIRST_CALL))
    for function, module in functions:
        path = ROOT / (module.replace(".", "/") + ".py")
        plan = first_call_plan(path.read_text(encoding="utf-8"), module)
        out.append(Subject(module, [module], plan, handler=True, function=function))
    return out
