"""Which home a command that reads tickets reads (`rtflow report`): the one the settings
choose; when nothing chose one, a running embedded AWS stack (`make run-aws`), else the SQLite
home of the data directory. A home that cannot be read is said in one line, with what to set."""

from __future__ import annotations

import os

import click

AWS_NEEDS = (
    "set RTFLOW_SECRET_KEY, RTFLOW_TABLE_NAME, AWS_REGION and AWS credentials (AWS_ENDPOINT_URL"
    " for an emulator), or pass --env-file FILE (`rtflow resources create` prints one); while"
    " `make run-aws` runs, leave RTFLOW_BACKEND unset and its stack is read by itself"
)


def reading_home() -> str | None:
    """Settle the home in the environment when nothing chose one; then what is read, in
    words, for standard error."""
    from infra.local import stack_env
    from infra.local.launch import data_dir
    from services.adapters.bootstrap import DATABASE_FILE

    directory = data_dir()
    backend = os.environ.get("RTFLOW_BACKEND")
    if backend is None:
        found = stack_env.running(directory)
        if found is not None:
            path, endpoint = found
            for key, value in stack_env.read(path).items():
                os.environ.setdefault(key, value)
            return f"reading the embedded AWS stack at {endpoint} (settings: {path})"
        if not (directory / DATABASE_FILE).is_file():
            raise click.ClickException(
                f"no RT Flow home in {directory}: no {DATABASE_FILE} and no embedded AWS stack"
                " running; run where `make run` or `make run-aws` runs, set RTFLOW_DATA_DIR,"
                " or for an AWS home pass --env-file FILE (`rtflow resources create` prints one)"
            )
        return f"reading the SQLite home in {directory}"
    return None


def check_readable(settings) -> None:
    """An AWS home the settings cannot reach, said in one line with what to set."""
    import boto3

    if settings.backend == "aws" and boto3.Session().get_credentials() is None:
        raise click.ClickException(f"RTFLOW_BACKEND=aws without AWS credentials: {AWS_NEEDS}")


def with_advice(error: click.ClickException) -> click.ClickException:
    """A settings error of an AWS home, with what to set (the SQLite home needs nothing)."""
    if os.environ.get("RTFLOW_BACKEND") != "aws":
        return error
    return click.ClickException(f"{error.message}: {AWS_NEEDS}")
