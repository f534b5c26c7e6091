"""``voice-agent bench answers`` (voice_agent/benchmarks/answers.py) and its scoring rule."""

import json
from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from knowledge_base.answering import Answer, AnswerSource
from voice_agent.benchmarks.answers import (
    DEFAULT_QUESTIONS,
    QuestionFixture,
    percentile,
    register,
    score_answer,
)

FIXTURE = QuestionFixture(
    id="q_test",
    text="What's the member price for the AX-200?",
    answer_must_contain=["683.24 yuan"],
    answer_must_not_contain=["25 percent"],
    kind="member_price",
)


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Bench."""

    return app


def test_a_right_answer_scores_correct() -> None:
    answer = Answer(
        text="For a member, the AX-200 is 683.24 yuan.",
        source=AnswerSource.GROUNDED,
        facts=["AX-200 member total 683.24 yuan"],
    )
    scored = score_answer(FIXTURE, answer)
    assert scored.correct and scored.invented_numbers == []


def test_missing_facts_forbidden_phrases_and_invented_numbers_are_reported() -> None:
    answer = Answer(
        text="The AX-200 is 25 percent off, so 674.25 yuan.",
        source=AnswerSource.LLM,
        facts=["AX-200 list price 899 yuan", "20 percent off"],
    )
    scored = score_answer(FIXTURE, answer)
    assert not scored.correct
    assert scored.missing == ["683.24 yuan"]
    assert scored.forbidden == ["25 percent"]
    assert scored.invented_numbers == ["25", "674.25"]


def test_percentiles_interpolate() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_the_command_answers_every_fixture_correctly_with_no_invented_number() -> None:
    result = CliRunner().invoke(_app(), ["answers", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["questions"] == len(yaml.safe_load(DEFAULT_QUESTIONS.read_text())["questions"])
    assert report["accuracy"] == 1.0
    assert report["invented_numbers"] == 0
    assert report["unknown"] >= 5 and report["refused"] >= 3
    assert 0 < report["latency_p50_ms"] <= report["latency_p95_ms"]


def test_the_command_exits_1_when_an_answer_is_wrong(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_QUESTIONS.read_text())
    data["questions"] = data["questions"][:1]
    data["questions"][0]["answer_must_contain"] = ["35 percent"]
    questions = tmp_path / "questions.yaml"
    questions.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = CliRunner().invoke(_app(), ["answers", "--questions", str(questions)])
    assert result.exit_code == 1
    assert "WRONG q001_ax200_weekend" in result.output
    assert "missing: ['35 percent']" in result.output


def test_the_command_exits_2_on_an_unreadable_question_file(tmp_path: Path) -> None:
    bad = tmp_path / "questions.yaml"
    bad.write_text("questions: [{id: 1}]\n")
    result = CliRunner().invoke(_app(), ["answers", "--questions", str(bad)])
    assert result.exit_code == 2
