"""``voice-agent kb``: validate, publish, history, diff and gaps on a copy of the sample data."""

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.storage.engines import ENGINES, fresh_database_url
from tests.storage.question_helpers import unanswered
from voice_agent.cli.kb import app
from voice_agent.storage import (
    SqlPromotionVersionRepository,
    SqlPublicationRepository,
    SqlQuestionLogRepository,
    open_database,
)

runner = CliRunner()
WEEKEND = Path("promotions") / "weekend-running.yaml"


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each engine (SQLite file, PostgreSQL database)."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


def _edit(kb_dir: Path, old: str, new: str) -> None:
    file = kb_dir / WEEKEND
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _stored(db_url: str, promotion_id: str) -> list[int]:
    with open_database(db_url) as database:
        history = SqlPromotionVersionRepository(database=database).history(promotion_id)
    return [version.version for version in history]


# --- help ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "publish", "history", "diff", "gaps"])
def test_every_command_help_teaches_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "For example" in result.stdout
    assert f"voice-agent kb {command}" in result.stdout


# --- validate ------------------------------------------------------------------------------------


def test_validate_accepts_the_sample_and_shows_warnings(kb_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(kb_dir)])
    assert result.exit_code == 0, result.output
    assert "OK (0 error(s)" in result.stdout
    assert ": warning: " in result.stdout


def test_validate_warns_of_stores_the_configured_speech_cannot_serve_in_their_language(
    kb_dir: Path, tmp_path: Path
) -> None:
    # The default configuration: tiny.en and the English voice; East China speaks zh-CN.
    result = runner.invoke(app, ["validate", str(kb_dir), "--json"])
    assert result.exit_code == 0, result.output
    (gap,) = [i for i in json.loads(result.stdout)["issues"] if i["code"] == "language_not_served"]
    assert gap["file"] == str(kb_dir / "regions.yaml") and gap["severity"] == "warning"
    assert gap["message"].startswith("stores SH-01, SH-02, HZ-01 speak zh-CN, but [tts] voices")
    # A Chinese voice and a multilingual recogniser serve them: nothing to say.
    config = tmp_path / "zh.toml"
    config.write_text(
        '[stt]\nmodel = "base"\n[tts]\nvoices = { "zh-CN" = "/opt/voices/zh_CN-huayan.onnx" }\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(kb_dir), "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert not [
        i for i in json.loads(result.stdout)["issues"] if i["code"] == "language_not_served"
    ]


def test_validate_reports_each_error_with_file_line_and_field_and_exits_1(kb_dir: Path) -> None:
    _edit(kb_dir, "percent: 20", "percent: 120")
    result = runner.invoke(app, ["validate", str(kb_dir)])
    assert result.exit_code == 1
    assert f"{kb_dir / WEEKEND}:15: error: rules[0].percent: " in result.stderr
    assert "invalid (" in result.stdout


def test_validate_json_lists_issues_for_scripts(kb_dir: Path) -> None:
    _edit(kb_dir, "percent: 20", "percent: 120")
    result = runner.invoke(app, ["validate", str(kb_dir), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["errors"] >= 1
    issue = next(i for i in report["issues"] if i["file"].endswith("weekend-running.yaml"))
    assert (issue["line"], issue["field"], issue["severity"]) == (15, "rules[0].percent", "error")


def test_validate_checks_history_files_too(kb_dir: Path) -> None:
    history = kb_dir / "history" / "weekend-running" / "v1.yaml"
    history.write_text(
        history.read_text(encoding="utf-8").replace("  version: 1", "  version: 7"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(kb_dir)])
    assert result.exit_code == 1
    assert f"{history}:9: error: promotion.version: version 7 does not match" in result.stderr


def test_validate_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not found" in result.stderr


# --- publish, history, diff ----------------------------------------------------------------------


def test_publish_flow_end_to_end(kb_dir: Path, db_url: str) -> None:
    # First publish: history v1 of weekend-running, then every published promotion.
    result = runner.invoke(app, ["publish", str(kb_dir), "--by", "Lin Wei", "--database", db_url])
    assert result.exit_code == 0, result.output
    assert "stored weekend-running v1 (by Lin Wei, 2026-11-20 01:00 UTC)" in result.stdout
    assert "    discount: 15 percent -> 20 percent" in result.stdout
    assert "skipped draft new-year-preview" in result.stdout
    assert "7 version(s) stored, 0 unchanged" in result.stdout
    assert _stored(db_url, "weekend-running") == [1, 2]
    assert _stored(db_url, "new-year-preview") == []

    # Publishing again changes nothing.
    result = runner.invoke(app, ["publish", str(kb_dir), "--database", db_url])
    assert result.exit_code == 0
    assert "0 version(s) stored, 6 unchanged" in result.stdout

    # An edit without a version bump is refused with file:line, and nothing is stored.
    _edit(kb_dir, "end: 2026-11-29\n", "end: 2026-11-30\n")
    result = runner.invoke(app, ["publish", str(kb_dir), "--database", db_url])
    assert result.exit_code == 1
    assert (
        f"{kb_dir / WEEKEND}:2: error: version: content changed since stored version 2,"
        " so version must be 3 (it is 2)"
    ) in result.stderr
    assert _stored(db_url, "weekend-running") == [1, 2]

    # With the bump it becomes version 3, with its diff.
    _edit(kb_dir, "version: 2", "version: 3")
    result = runner.invoke(app, ["publish", str(kb_dir), "--by", "Maria", "--database", db_url])
    assert result.exit_code == 0, result.output
    assert "stored weekend-running v3 (by Maria" in result.stdout
    assert "    end: 2026-11-29 -> 2026-11-30" in result.stdout
    assert _stored(db_url, "weekend-running") == [1, 2, 3]

    result = runner.invoke(app, ["history", "weekend-running", "--database", db_url, "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["version"], r["published_by"]) for r in rows] == [
        (1, "Lin Wei"),
        (2, "Lin Wei"),
        (3, "Maria"),
    ]
    assert rows[0]["changes"] == [] and rows[0]["diff"] == ""
    assert rows[1]["changes"][:2] == [
        "discount: 15 percent -> 20 percent",
        "exclusions: added AX-200-LE",
    ]
    assert rows[2]["changes"] == ["end: 2026-11-29 -> 2026-11-30"]
    assert "+  end: 2026-12-01T00:00" in rows[2]["diff"]

    result = runner.invoke(app, ["history", "weekend-running", "--database", db_url])
    assert "v1  2026-11-20 01:00 UTC  Lin Wei  sha256:" in result.stdout
    assert "    first stored version" in result.stdout

    result = runner.invoke(app, ["diff", "weekend-running", "--database", db_url])
    assert result.exit_code == 0
    assert result.stdout.startswith("weekend-running v2 -> v3\n    end: 2026-11-29 -> 2026-11-30\n")
    assert "Spoken: It now ends on 30 November instead of 29 November." in result.stdout
    assert "-  end: 2026-11-30T00:00\n+  end: 2026-12-01T00:00\n" in result.stdout

    result = runner.invoke(
        app, ["diff", "weekend-running", "--from", "1", "--to", "3", "--json", "--database", db_url]
    )
    report = json.loads(result.stdout)
    assert (report["from"], report["to"]) == (1, 3)
    assert report["summary"][:3] == [
        "The discount went up from 15 percent to 20 percent.",
        "The Aero X 200 Limited Edition is now excluded.",
        "It now ends on 30 November instead of 29 November.",
    ]


def test_a_publication_records_who_when_notes_and_urgency(kb_dir: Path, db_url: str) -> None:
    before = datetime.now(UTC)
    result = runner.invoke(
        app,
        ["publish", str(kb_dir), "--by", "Lin Wei", "--notes", "Winter launch", "--urgent"]
        + ["--json", "--database", db_url],
    )
    assert result.exit_code == 0, result.output
    publication = json.loads(result.stdout)["publication"]
    assert (publication["id"], publication["published_by"]) == (1, "Lin Wei")
    assert (publication["notes"], publication["urgent"]) == ("Winter launch", True)
    published_at = datetime.fromisoformat(publication["published_at"])
    assert published_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= published_at <= datetime.now(UTC)
    with open_database(db_url) as database:
        (stored,) = SqlPublicationRepository(database=database).list()
    assert stored.notes == "Winter launch" and stored.urgent
    assert ("weekend-running", 2) in [(v.promotion_id, v.version) for v in stored.versions]

    again = runner.invoke(app, ["publish", str(kb_dir), "--database", db_url])
    assert "nothing changed, no publication recorded" in again.stdout


def test_publish_refuses_an_invalid_knowledge_base_and_stores_nothing(
    kb_dir: Path, db_url: str
) -> None:
    _edit(kb_dir, "regions: [east-china, singapore]", "regions: [east-china, atlantis]")
    result = runner.invoke(app, ["publish", str(kb_dir), "--database", db_url])
    assert result.exit_code == 1
    assert f"{kb_dir / WEEKEND}:9: error: regions[1]: unknown region 'atlantis'" in result.stderr
    assert "nothing was published" in result.stderr
    with open_database(db_url) as database:
        assert SqlPromotionVersionRepository(database=database).latest_versions() == {}


def test_publish_dry_run_shows_the_plan_and_stores_nothing(kb_dir: Path, db_url: str) -> None:
    result = runner.invoke(
        app, ["publish", str(kb_dir), "--dry-run", "--json", "--database", db_url]
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["dry_run"] is True
    assert [(s["promotion_id"], s["version"]) for s in report["stored"]][:2] == [
        ("autumn-clearance", 1),
        ("berlin-black-friday", 1),
    ]
    assert report["drafts"] == ["new-year-preview"]
    assert _stored(db_url, "weekend-running") == []


def test_history_of_an_unpublished_promotion_exits_1(db_url: str) -> None:
    result = runner.invoke(app, ["history", "weekend-running", "--database", db_url])
    assert result.exit_code == 1
    assert "no stored versions of 'weekend-running'" in result.stderr


def test_diff_with_reversed_versions_is_a_usage_error(db_url: str) -> None:
    result = runner.invoke(app, ["diff", "x", "--from", "3", "--to", "2", "--database", db_url])
    assert result.exit_code == 2


def test_diff_of_a_single_version_or_a_missing_one_exits_1(kb_dir: Path, db_url: str) -> None:
    runner.invoke(app, ["publish", str(kb_dir), "--database", db_url])
    result = runner.invoke(app, ["diff", "double-12", "--database", db_url])
    assert result.exit_code == 1
    assert "no stored version before v1" in result.stderr
    result = runner.invoke(app, ["diff", "weekend-running", "--to", "5", "--database", db_url])
    assert result.exit_code == 1
    assert "no stored v5 (stored: v1, v2)" in result.stderr


def test_a_bad_database_url_is_a_usage_error(kb_dir: Path) -> None:
    result = runner.invoke(app, ["publish", str(kb_dir), "--database", "mysql://x/y"])
    assert result.exit_code == 2
    assert "sqlite:///" in result.stderr and "postgresql://" in result.stderr


def test_settings_file_names_the_database(kb_dir: Path, tmp_path: Path) -> None:
    database = tmp_path / "from-config.sqlite3"
    config = tmp_path / "override.toml"
    config.write_text(f'[storage]\ndatabase_url = "sqlite:///{database}"\n', encoding="utf-8")
    result = runner.invoke(app, ["publish", str(kb_dir), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert _stored(f"sqlite:///{database}", "weekend-running") == [1, 2]


def test_a_missing_settings_file_is_a_usage_error(kb_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(kb_dir), "--config", str(tmp_path / "no.toml")])
    assert result.exit_code == 2
    assert "config file not found" in result.stderr


# --- gaps ----------------------------------------------------------------------------------------


T0 = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


def _log(db_url: str, *items: tuple[str, str | None, str, int]) -> None:
    with open_database(db_url) as database:
        repository = SqlQuestionLogRepository(database=database)
        for text, promotion, store, minutes in items:
            repository.add(
                unanswered(
                    text,
                    asked_at=T0 + timedelta(minutes=minutes),
                    store_id=store,
                    promotion_id=promotion,
                )
            )


def test_gaps_lists_top_confusions_per_promotion(db_url: str) -> None:
    _log(
        db_url,
        ("Can it be combined with a coupon?", "weekend-running", "SH-01", 0),
        ("can I combine it with coupons", "weekend-running", "SG-01", 5),
        ("does the member discount work online", "weekend-running", "SH-02", 6),
        ("who handles returns", None, "SH-01", 7),
        ("an old question", "weekend-running", "SH-01", -60 * 24 * 3),
    )
    result = runner.invoke(app, ["gaps", "--since", "2026-11-28", "--database", db_url])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "weekend-running: 3 question(s)"
    assert lines[1].startswith(
        "    2x  'Can it be combined with a coupon?'  [unknown 2]  SG-01, SH-01;"
    )
    assert lines[2] == "        also: 'can I combine it with coupons'"
    assert "(no promotion): 1 question(s)" in lines
    assert "an old question" not in result.stdout

    result = runner.invoke(
        app,
        [
            "gaps",
            "--since",
            "2026-11-28T15:00+08:00",
            "--limit",
            "1",
            "--json",
            "--database",
            db_url,
        ],
    )
    report = json.loads(result.stdout)
    assert report["questions"] == 4
    assert [(g["promotion_id"], g["count"]) for g in report["groups"]] == [
        ("weekend-running", 2),
        (None, 1),
    ]
    assert report["groups"][0]["key"] == "combin coupon"


def test_gaps_with_nothing_logged_says_so(db_url: str) -> None:
    result = runner.invoke(app, ["gaps", "--database", db_url])
    assert result.exit_code == 0
    assert result.stdout.strip() == "no unanswered questions"


def test_gaps_with_a_bad_date_is_a_usage_error(db_url: str) -> None:
    result = runner.invoke(app, ["gaps", "--since", "last tuesday", "--database", db_url])
    assert result.exit_code == 2
    assert "2026-11-27" in result.output


# --- the installed entry point -------------------------------------------------------------------


def test_the_voice_agent_script_publishes_through_the_real_entry_point(
    kb_dir: Path, db_url: str
) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from voice_agent.cli import main; main()",
            *("kb", "publish", str(kb_dir), "--json", "--database", db_url),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert ("weekend-running", 2) in [(s["promotion_id"], s["version"]) for s in report["stored"]]
