"""``voice-agent roster load`` and ``voice-agent status`` against a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from knowledge_base.loader import SAMPLE_DATA_DIR
from knowledge_base.quiz import QuestionKind
from knowledge_base.quiz_plan import QuizOutcome, QuizPlan
from knowledge_base.quiz_scoring import QuizResult
from tests.broadcast.helpers import ROSTERS
from voice_agent.cli.app import app
from voice_agent.storage import (
    SqlQuizPlanRepository,
    SqlQuizResultRepository,
    SqlRosterRepository,
    open_database,
)
from voice_agent.storage.publisher import Publisher

runner = CliRunner()


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'agent.sqlite3'}"


def test_a_valid_roster_is_stored_and_summarised(tmp_path: Path) -> None:
    url = _url(tmp_path)
    result = runner.invoke(
        app, ["roster", "load", str(ROSTERS / "stride.csv"), "--json", "--database", url]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["ok"], report["people"], report["roles"]["clerk"]) == (True, 5, 3)
    with open_database(url) as database:
        roster = SqlRosterRepository(database=database).load()
    assert roster is not None and roster.member("jonas") is not None


def test_a_roster_with_an_unknown_store_or_a_bad_time_is_refused_with_file_line_field(
    tmp_path: Path,
) -> None:
    url = _url(tmp_path)
    runner.invoke(app, ["roster", "load", str(ROSTERS / "stride.yaml"), "--database", url])
    result = runner.invoke(app, ["roster", "load", str(ROSTERS / "bad.csv"), "--database", url])
    assert result.exit_code == 1
    assert "bad.csv:2: error: store: unknown store 'SH-99'" in result.stderr
    assert "bad.csv:3: error: start: not a 24-hour time (HH:MM): '9am'" in result.stderr
    assert "nothing stored" in result.stderr
    with open_database(url) as database:
        load = SqlRosterRepository(database=database).current()
    assert load is not None and load.source.endswith("stride.yaml")


def test_a_missing_roster_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["roster", "load", str(tmp_path / "nope.csv"), "--database", _url(tmp_path)]
    )
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_status_reports_each_store_in_scope_and_narrows_to_one(tmp_path: Path) -> None:
    url = _url(tmp_path)
    runner.invoke(app, ["roster", "load", str(ROSTERS / "broadcast.csv"), "--database", url])
    with open_database(url) as database:
        Publisher(database=database).publish_directory(SAMPLE_DATA_DIR, published_by="hq")
    everything = runner.invoke(app, ["status", "weekend-running", "--json", "--database", url])
    assert everything.exit_code == 0, everything.output
    stores = [s["store_id"] for s in json.loads(everything.stdout)["stores"]]
    assert stores == ["HZ-01", "SG-01", "SH-01", "SH-02"]
    one = runner.invoke(
        app, ["status", "weekend-running", "--store", "SH-01", "--json", "--database", url]
    )
    report = json.loads(one.stdout)
    assert [s["store_id"] for s in report["stores"]] == ["SH-01"]
    assert {c["identity"] for c in report["stores"][0]["clerks"]} == {"ana", "ben", "chen", "dan"}
    text = runner.invoke(app, ["status", "weekend-running", "--database", url])
    assert "weekend-running version 2" in text.stdout and "SH-01: heard 0/" in text.stdout
    missing = runner.invoke(app, ["status", "no-such-offer", "--database", url])
    assert missing.exit_code == 1 and "unknown_promotion_version" in missing.stderr


def test_status_shows_who_passed_and_who_failed_the_quiz_from_the_stored_answers(
    tmp_path: Path,
) -> None:
    url = _url(tmp_path)
    runner.invoke(app, ["roster", "load", str(ROSTERS / "broadcast.csv"), "--database", url])
    discount, end = "weekend-running@2:discount", "weekend-running@2:end_date"
    with open_database(url) as database:
        Publisher(database=database).publish_directory(SAMPLE_DATA_DIR, published_by="hq")
        plans, results = (
            SqlQuizPlanRepository(database=database),
            SqlQuizResultRepository(database=database),
        )
        now = datetime.now(UTC)
        for clerk, answers in (
            ("ana", [(discount, True), (end, True)]),
            ("ben", [(discount, True)]),  # one of two questions: not passed
            ("chen", [(discount, False), (discount, False)]),
        ):
            plan = QuizPlan("weekend-running", 2, clerk, (discount, end), "briefing", now)
            plans.create(plan)
            for question, passed in answers:
                results.add(
                    QuizResult(question, clerk, QuestionKind(question.split(":")[1]), "...",
                               passed, (), None, "rules", now),
                    promotion_id="weekend-running",
                    version=2,
                )  # fmt: skip
        plans.close(plan, QuizOutcome.FAILED, at=now)
    one = runner.invoke(
        app, ["status", "weekend-running", "--store", "SH-01", "--json", "--database", url]
    )
    (store,) = json.loads(one.stdout)["stores"]
    passed = {c["identity"]: c["passed_at"] for c in store["clerks"]}
    assert passed["ana"] is not None and passed["ben"] is None and passed["chen"] is None
    assert (store["passed"], store["failed_quiz"]) == (1, ["chen"])
    text = runner.invoke(app, ["status", "weekend-running", "--store", "SH-01", "--database", url])
    assert "failed the quiz: chen" in text.stdout
