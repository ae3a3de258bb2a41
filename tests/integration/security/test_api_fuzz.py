"""The JSON API under a fuzzer (schemathesis over the OpenAPI document; fuzzing.py says how):
a few hundred generated requests, anonymous and with a staff token, the stateful phase
walking the document's links from a filing to an action and a read. No answer is a 5xx and
every answer is what the document says. `make fuzz` runs thousands, with every check."""

from __future__ import annotations

import pytest

from tests.integration.security.fuzzing import run, serving

pytestmark = pytest.mark.slow  # a real server on loopback and a schemathesis process

EXAMPLES = 10


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("fuzz")) as (url, token):
        yield url, token


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_answer_is_what_the_document_says_and_none_is_a_5xx(served, who):
    url, token = served
    headers = {"Authorization": f"Bearer {token}"} if who == "staff" else {}

    result = run(url, EXAMPLES, headers, phases="examples,fuzzing,stateful")

    assert result["cases"] >= 100, result["output"][-3000:]
    assert result["exit"] == 0 and not result["findings"], result["output"][-8000:]
