"""``voice-agent feedback list|stats|alerts|export`` over a real database, both engines."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge_base.feedback.anomalies import Alert, AlertRule
from tests.storage.engines import database, database_url
from tests.storage.feedback_helpers import T0, record
from voice_agent.cli.app import app
from voice_agent.storage import Database, SqlFeedbackRepository
from voice_agent.storage.feedback_alerts import SqlFeedbackAlertRepository

__all__ = ["database", "database_url"]


@pytest.fixture
def planted(database: Database, database_url: str) -> str:
    repo = SqlFeedbackRepository(database=database)
    repo.store([record("a1", minutes=0, transcript="=cmd|' /C calc'!A0")])
    repo.store([record("b1", minutes=10, store="SH-02", products=["RN-300"])])
    repo.store([record("c1", minutes=20, store="SG-01")])
    alert = Alert(
        rule=AlertRule.STOCK_OUT_SPREAD, key="AX-200", message="AX-200 out in 2 stores.",
        first_at=T0, last_at=T0 + timedelta(minutes=20), stores=["SG-01", "SH-01"],
        record_ids=["a1", "c1"],
    )  # fmt: skip
    SqlFeedbackAlertRepository(database=database).add_new([alert], now=T0)
    return database_url


def _run(*args: str) -> dict | list:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["feedback", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_pages_newest_first_with_filters(planted: str) -> None:
    page = _run("list", "--database", planted, "--json", "--limit", "2")
    assert [r["id"] for r in page["records"]] == ["c1", "b1"] and page["total"] == 3
    only = _run("list", "--database", planted, "--json", "--product", "RN-300")
    assert [r["id"] for r in only["records"]] == ["b1"]
    since = _run("list", "--database", planted, "--json", "--since", "2026-11-28T07:05")
    assert since["total"] == 2


def test_stats_count_by_store(planted: str) -> None:
    figures = _run("stats", "--database", planted, "--json", "--region", "east-china")
    assert figures["total"] == 2 and figures["store"] == {"SH-01": 1, "SH-02": 1}


def test_alerts_show_delivery_state(planted: str) -> None:
    [alert] = _run("alerts", "--database", planted, "--json")["alerts"]  # type: ignore[index]
    assert alert["rule"] == "stock_out_spread" and alert["delivered_at"] is None
    assert alert["count"] == 2


def test_export_writes_spreadsheet_safe_csv(planted: str, tmp_path: Path) -> None:
    out = tmp_path / "feedback.csv"
    result = CliRunner().invoke(app, ["feedback", "export", "--database", planted, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == ["a1", "b1", "c1"]
    assert rows[0]["transcript"].startswith("'=")
    assert [r["id"] for r in _run("export", "--database", planted, "--json")] == ["a1", "b1", "c1"]  # type: ignore[index]


def test_an_unreachable_database_exits_1_with_the_reason(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["feedback", "list", "--database", "postgresql://postgres@127.0.0.1:1/none"]
    )
    assert result.exit_code == 1 and "unavailable" in result.output


def test_a_bad_time_is_a_usage_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = CliRunner().invoke(app, ["feedback", "list", "--database", url, "--since", "noon"])
    assert result.exit_code == 2 and "not an ISO 8601 time" in result.output
