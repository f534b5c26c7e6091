"""``voice-agent bench answers`` (voice_agent/benchmarks/answers.py) and its scoring rule."""

import json
from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from knowledge_base.answering import ABOUT_TOGETHER, Answer, AnswerSource
from voice_agent.benchmarks.answer_fixtures import DEFAULT_QUESTIONS, QuestionFixture, Target
from voice_agent.benchmarks.answer_report import percentile
from voice_agent.benchmarks.answer_scoring import Outcome, says, score_answer
from voice_agent.benchmarks.answers import register

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


def test_a_figure_said_in_other_words_is_the_same_claim_both_ways() -> None:
    # As the runtime fact guard reads them: "half price" is 50 percent off, "three" is 3.
    assert says("buy 1, get the cheapest 1 at 50 percent off", "half price")
    assert says("the second one is half price", "50 percent")
    assert says("three hockey items", "3 hockey items")
    assert not says("buy 1, get the cheapest 1 at 20 percent off", "half price")
    half = QuestionFixture(
        id="q_half",
        text="Is the Beacon light in Ride Safe?",
        answer_must_contain=["yes"],
        answer_must_not_contain=["half price"],
        kind="in_offer",
    )
    scored = score_answer(
        half, Answer(text="Yes, at 50 percent off.", source=AnswerSource.GROUNDED)
    )
    assert scored.forbidden == ["half price"]


def test_percentiles_interpolate() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_the_command_answers_every_fixture_correctly_with_no_invented_number() -> None:
    result = CliRunner().invoke(_app(), ["answers", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["questions"] == len(yaml.safe_load(DEFAULT_QUESTIONS.read_text())["questions"])
    # Every answer right, or the one short question back the fixture allows.
    assert report["correct"] + report["clarify_acceptable"] == report["questions"]
    assert report["wrong_target"] == 0
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


HEARTH_KB = DEFAULT_QUESTIONS.parents[2] / "knowledge_base" / "samples" / "hearth"
HEARTH_QUESTIONS = DEFAULT_QUESTIONS.parent / "chains" / "hearth" / "questions.yaml"


def _targeted(**target: str) -> QuestionFixture:
    return QuestionFixture(
        id="q_target",
        text="How much off are grinders during the Coffee Fair?",
        answer_must_contain=["40 Australian dollars"],
        kind="discount",
        target=Target(**target),
    )


def test_an_answer_about_another_promotion_is_wrong_target_even_with_the_right_words() -> None:
    answer = Answer(
        text="The GR-400 is 40 Australian dollars off in the Black Week.",
        source=AnswerSource.GROUNDED,
        promotion_ids=["black-week-appliances"],
        facts=["40 Australian dollars off each"],
    )
    scored = score_answer(_targeted(promotion="coffee-fair"), answer)
    assert scored.outcome == Outcome.WRONG_TARGET and not scored.correct
    assert scored.off_target == ["promotion black-week-appliances, expected coffee-fair"]


def test_an_answer_about_two_offers_at_once_is_about_each_of_them() -> None:
    together = Answer(
        text="Yes, the Black Week and the Coffee Fair combine on the same item.",
        source=AnswerSource.GROUNDED,
        promotion_ids=["black-week-appliances", "coffee-fair"],
        detail={ABOUT_TOGETHER: ["black-week-appliances", "coffee-fair"]},
    )
    apart = Answer(
        text="Yes, the Black Week and the Winter Sale combine on the same item.",
        source=AnswerSource.GROUNDED,
        promotion_ids=["black-week-appliances", "winter-sale"],
        detail={ABOUT_TOGETHER: ["black-week-appliances", "winter-sale"]},
    )
    assert score_answer(_targeted(promotion="coffee-fair"), together).off_target == []
    assert score_answer(_targeted(promotion="coffee-fair"), apart).off_target == [
        "promotion black-week-appliances, expected coffee-fair"
    ]


def test_an_answer_for_another_store_than_the_named_one_is_wrong_target() -> None:
    answer = Answer(
        text="The GR-400 is 40 Australian dollars off.",
        source=AnswerSource.GROUNDED,
        promotion_ids=["coffee-fair"],
        facts=["40 Australian dollars off each"],
        detail={"store_id": "MEL-01", "products": ["GR-400"]},
    )
    scored = score_answer(_targeted(promotion="coffee-fair", store="SYD-01"), answer)
    assert scored.off_target == ["store MEL-01, expected SYD-01"]


def test_clarifying_questions_and_unknowns_are_their_own_outcomes() -> None:
    clarify = Answer(text="Which offer do you mean?", source=AnswerSource.CLARIFY)
    unknown = Answer(text="I don't know that one.", source=AnswerSource.UNKNOWN)
    assert score_answer(_targeted(), clarify).outcome == Outcome.CLARIFY
    assert score_answer(_targeted(), unknown).outcome == Outcome.UNKNOWN


def test_invented_numbers_are_the_runtime_guards_claims_not_bare_digits() -> None:
    # "20" is in the facts as a percentage; said as a price it is not backed.
    answer = Answer(
        text="The GR-400 is 20 pounds off.",
        source=AnswerSource.LLM,
        facts=["GR-400 Precision Burr Grinder", "Cook Club Week: 20 percent off"],
    )
    assert score_answer(_targeted(), answer).invented_numbers == ["20"]


def test_the_command_reports_another_chain_per_intent() -> None:
    result = CliRunner().invoke(
        _app(),
        ["answers", "--kb", str(HEARTH_KB), "--questions", str(HEARTH_QUESTIONS), "--json"],
    )
    report = json.loads(result.output)
    assert report["chain"] == "hearth"
    assert report["questions"] >= 60
    assert report["invented_numbers"] == 0
    assert {"in_offer", "price", "limit", "contact", "changes"} <= set(report["per_intent"])
    counts = report["per_intent"]["in_offer"]
    outcomes = ("correct", "wrong_target", "unknown", "clarify", "wrong")
    assert sum(counts[k] for k in outcomes) == counts["questions"]


def test_the_command_takes_several_chains_and_refuses_unpaired_options() -> None:
    both = CliRunner().invoke(
        _app(),
        [
            "answers",
            "--json",
            "--questions",
            str(DEFAULT_QUESTIONS),
            "--kb",
            str(DEFAULT_QUESTIONS.parents[2] / "knowledge_base" / "data"),
            "--questions",
            str(HEARTH_QUESTIONS),
            "--kb",
            str(HEARTH_KB),
        ],
    )
    assert [c["chain"] for c in json.loads(both.output)["chains"]] == ["data", "hearth"]
    unpaired = CliRunner().invoke(_app(), ["answers", "--kb", str(HEARTH_KB)])
    assert unpaired.exit_code == 2
    assert "one --kb for each --questions" in unpaired.output


def test_audio_without_recordings_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["answers", "--audio", "--audio-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "no recording of any spoken question" in result.output


def test_audio_recorded_per_style_is_an_error_naming_the_style_folders(tmp_path: Path) -> None:
    for style in ("clean", "noisy"):
        (tmp_path / style).mkdir()
        (tmp_path / style / "q001.wav").write_bytes(b"")
    result = CliRunner().invoke(_app(), ["answers", "--audio", "--audio-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "per style in clean, noisy/" in result.output
    assert f"--audio-dir {tmp_path / 'clean'}" in result.output.replace("\n", "")


def _spoken_run(path: Path, transcripts: dict[str, str]) -> Path:
    """A spoken run's JSON as ``bench answers --audio --json`` writes it (what matters)."""
    results = [{"id": key, "question": heard} for key, heard in transcripts.items()]
    path.write_text(json.dumps({"chain": "data (spoken)", "results": results}))
    return path


def test_heard_re_asks_each_transcript_by_text_and_scores_only_those_questions(
    tmp_path: Path,
) -> None:
    run = _spoken_run(
        tmp_path / "spoken.json",
        {
            "q001_ax200_weekend": "Is the AX-200 in the weekend offer?",
            # Nothing heard at all: unknown, as the spoken run scored it.
            "q002_ax200_spelled": "",
            # A transcript of two turns is asked as one question.
            "q003_aero_x_name": "Is the Aero X 200 / part of the running offer?",
        },
    )
    result = CliRunner().invoke(_app(), ["answers", "--heard", str(run), "--json"])
    report = json.loads(result.output)
    assert report["chain"] == "sample (heard: spoken)"
    by_id = {r["id"]: r for r in report["results"]}
    assert set(by_id) == {"q001_ax200_weekend", "q002_ax200_spelled", "q003_aero_x_name"}
    assert by_id["q001_ax200_weekend"]["outcome"] == "correct"
    assert by_id["q002_ax200_spelled"]["outcome"] == "unknown"
    assert by_id["q003_aero_x_name"]["question"] == "Is the Aero X 200 part of the running offer?"
    assert by_id["q003_aero_x_name"]["outcome"] == "correct"
    assert result.exit_code == 1  # one question was not answered


def test_heard_refuses_a_file_that_is_no_spoken_run_and_audio_together(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"macro_f1": 0.9}))
    no_run = CliRunner().invoke(_app(), ["answers", "--heard", str(other)])
    assert no_run.exit_code == 2
    assert "no results[]" in no_run.output
    elsewhere = _spoken_run(tmp_path / "elsewhere.json", {"zz_other_chain": "Hello?"})
    foreign = CliRunner().invoke(_app(), ["answers", "--heard", str(elsewhere)])
    assert foreign.exit_code == 2
    assert "none of its questions" in foreign.output
    both = CliRunner().invoke(_app(), ["answers", "--audio", "--heard", str(elsewhere)])
    assert both.exit_code == 2
