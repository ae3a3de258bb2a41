"""One slapd for the session's directory tests: they only read it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.ldap.ldap_helpers import Slapd, load_directory, start_slapd


@pytest.fixture(scope="session")
def slapd(tmp_path_factory) -> Iterator[Slapd]:
    server = start_slapd(tmp_path_factory.mktemp("slapd"))
    try:
        load_directory(server.url)
        yield server
    finally:
        server.stop()
