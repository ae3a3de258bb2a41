"""What the SQLite home keeps as files in its data directory: the captured mail, which
/dev/mail reads after a restart too, and the reports."""

from __future__ import annotations

import stat

from infra.local.captured_mail import CapturedMail
from infra.local.report_files import FileReportStore
from services.domain.mail import Mail


def test_captured_mail_is_there_after_a_restart(tmp_path):
    path = tmp_path / "mail.jsonl"
    mailer = CapturedMail(path, "RT Flow <rtflow@example.org>")
    assert mailer.messages() == []
    first = mailer.send(Mail(to=("ana@example.org",), subject="Received", text="hello"))
    mailer.send(Mail(to=("bo@example.org",), subject="Done", text="bye", html="<p>bye</p>"))
    assert len(mailer.messages()) == 2
    again = CapturedMail(path, "RT Flow <rtflow@example.org>").messages()
    assert [(m["to"], m["subject"], m["text"]) for m in again] == [
        (["ana@example.org"], "Received", "hello\n"),
        (["bo@example.org"], "Done", "bye\n"),
    ]
    assert again[0]["message_id"] == first and again[1]["html"] == "<p>bye</p>\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_reports_are_files_laid_out_as_the_bucket(tmp_path):
    store = FileReportStore(tmp_path)
    assert store.periods("daily") == [] and store.get("daily", "2026-12-04", "json") is None
    key = store.put("daily", "2026-12-04", "json", b"{}", "application/json")
    store.put("daily", "2026-12-03", "html", b"<p>", "text/html")
    assert key == "reports/daily/2026-12-04/report.json"
    assert store.get("daily", "2026-12-04", "json") == b"{}"
    assert store.periods("daily") == ["2026-12-04", "2026-12-03"]
    assert store.claim("daily", "2026-12-04", "digest") is True
    assert store.claim("daily", "2026-12-04", "digest") is False
    store.release("daily", "2026-12-04", "digest")
    assert store.claim("daily", "2026-12-04", "digest") is True
