"""`rtflow run` on a data directory that cannot hold the SQLite home (a file in its place,
no permission, a file that is not a database): one line naming the directory, exit 1, and
nothing started."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from services.cli import main


def run(data_dir: Path) -> tuple[int, str]:
    env = {"RTFLOW_BACKEND": "sqlite", "RTFLOW_DATA_DIR": str(data_dir), "RTFLOW_SECRET_KEY": None}
    result = CliRunner().invoke(main, ["run", "--port", "0"], env=env)
    return result.exit_code, result.output


def only_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


def test_a_file_in_its_place(tmp_path):
    (tmp_path / "home").write_text("not a directory")
    code, output = run(tmp_path / "home")
    assert code == 1
    assert only_line(output) == (
        f"Error: cannot use the data directory {tmp_path / 'home'}: a file is in its place"
    )


def test_a_file_on_its_path(tmp_path):
    (tmp_path / "home").write_text("not a directory")
    code, output = run(tmp_path / "home" / "data")
    assert code == 1
    line = only_line(output)
    assert line.startswith(f"Error: cannot open the data directory {tmp_path / 'home' / 'data'}")
    assert "cannot listen" not in line


def test_no_permission(tmp_path, monkeypatch):
    # The suite may run as root, whom no mode stops: the refusal as the system would give it.
    def refused(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refused)
    code, output = run(tmp_path / "home")
    assert code == 1
    assert only_line(output) == (
        f"Error: cannot open the data directory {tmp_path / 'home'}: Permission denied"
    )


def test_a_database_that_is_not_one(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "rtflow.db").write_bytes(b"not a database, " * 100)
    code, output = run(tmp_path / "home")
    assert code == 1
    assert only_line(output) == (
        f"Error: cannot open the data directory {tmp_path / 'home'}: file is not a database"
    )


def test_nothing_is_made_beside_a_refused_directory(tmp_path):
    (tmp_path / "home").write_text("not a directory")
    run(tmp_path / "home")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
