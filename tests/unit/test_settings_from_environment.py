"""Settings read from the environment as pydantic-settings read them: RTFLOW_<field> in any
case, the aliases (AWS_REGION) without the prefix, an argument over the environment, and every
value validated with pydantic's own messages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.adapters.settings import Settings

KEY = "k" * 40


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    monkeypatch.setenv("RTFLOW_BACKEND", "aws")
    monkeypatch.setenv("RTFLOW_SECRET_KEY", KEY)


def test_a_field_is_read_from_its_prefixed_name_in_any_case(monkeypatch):
    monkeypatch.setenv("rtflow_table_name", "tickets-prod")
    monkeypatch.setenv("RtFlow_Smtp_Port", "2525")
    s = Settings()
    assert (s.backend, s.table_name, s.smtp_port, s.secret_key) == (
        "aws",
        "tickets-prod",
        2525,
        KEY,
    )


def test_an_aliased_field_is_read_from_its_alias_only(monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("RTFLOW_AWS_REGION", "nowhere-1")
    monkeypatch.setenv("aws_endpoint_url", "http://127.0.0.1:5000")
    s = Settings()
    assert (s.aws_region, s.aws_endpoint_url) == ("eu-west-1", "http://127.0.0.1:5000")


def test_an_argument_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("RTFLOW_BASE_URL", "https://from-env.example.org")
    assert Settings(base_url="https://rt.example.org").base_url == "https://rt.example.org"


def test_texts_of_the_environment_are_validated_as_pydantic_validates_them(monkeypatch):
    monkeypatch.setenv("RTFLOW_RATE_LIMITS", "off")
    monkeypatch.setenv("RTFLOW_DEV_PAGES", "true")
    s = Settings()
    assert (s.rate_limits, s.dev_pages) == (False, True)


def test_a_bad_value_is_refused_with_the_field_and_the_reason(monkeypatch):
    monkeypatch.setenv("RTFLOW_WEB_THREADS", "0")
    monkeypatch.setenv("RTFLOW_BACKEND", "mongo")
    with pytest.raises(ValidationError) as refused:
        Settings()
    errors = {e["loc"]: e["msg"] for e in refused.value.errors()}
    assert errors == {
        ("backend",): "Input should be 'sqlite' or 'aws'",
        ("web_threads",): "Input should be greater than or equal to 1",
    }


def test_a_variable_of_no_field_is_ignored(monkeypatch):
    monkeypatch.setenv("RTFLOW_NO_SUCH_SETTING", "x")
    assert not hasattr(Settings(), "no_such_setting")
