"""Reading a reply to a notice: acknowledgement, request to repeat, or something else."""

from pathlib import Path

import pytest
import yaml

from knowledge_base.acknowledgement import Reply, is_acknowledgement, read_reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(
    "heard",
    [
        "got it",
        "Got it.",
        "Got it, thanks!",
        "gotit",
        "Yes, I got it.",
        "I've got it",
        "understood",
        "Under stood.",
        "OK, noted.",
        "okay noted",
        "O.K.",
        "Okay.",
        "noted, thank you",
        "roger that",
        "copy that",
        "will do",
        "no problem",
        "yeah sure, got it",
        "Sounds good.",
    ],
)
def test_english_acknowledgements_are_recognised(heard: str) -> None:
    assert read_reply(heard) is Reply.ACKNOWLEDGED


@pytest.mark.parametrize(
    "heard",
    [
        "收到",
        "收到。",
        "收到，谢谢",
        "嗯，收到了",
        "明白",
        "明白了",
        "好的",
        "好的好的",
        "知道了",
        "了解",
        "没问题",
        "OK",
        "手到",
        "好的，明白",
    ],
)
def test_chinese_acknowledgements_are_recognised(heard: str) -> None:
    assert read_reply(heard) is Reply.ACKNOWLEDGED


@pytest.mark.parametrize(
    ("heard", "meaning"),
    [
        # Multilingual Whisper base wrote espeak-ng's "收到，谢谢" as "收到謝謝" (language zh).
        ("收到謝謝", Reply.ACKNOWLEDGED),
        ("收到,謝謝", Reply.ACKNOWLEDGED),
        ("好的，沒問題", Reply.ACKNOWLEDGED),
        ("沒收到", Reply.REPEAT),
        ("沒聽清", Reply.REPEAT),
        ("能再說一遍嗎？", Reply.REPEAT),
        ("收到了嗎", Reply.OTHER),
        ("AX-200有幾雙？", Reply.OTHER),
    ],
)
def test_traditional_characters_read_as_their_simplified_words(heard: str, meaning: Reply) -> None:
    assert read_reply(heard) is meaning


@pytest.mark.parametrize("heard", ["Got it?", "Got it. Got it?", "Understood?", "OK?", "收到？"])
def test_a_question_mark_from_the_recogniser_does_not_undo_an_acknowledgement(
    heard: str,
) -> None:
    # Whisper tiny.en wrote the fixture "Got it." (flat, Piper) as "Got it?" over LiveKit.
    assert read_reply(heard) is Reply.ACKNOWLEDGED


@pytest.mark.parametrize(
    "heard",
    [
        "have we got the AX-200 in 40?",
        "have we got the AX-200 in 40",
        "we've got it in 40",
        "got it in size 40?",
        "did you get it?",
        "is it understood by the customer?",
        "okay what is the discount on the AX-200",
        "OK, is the limited edition still out?",
        "noted the price of the Aero X",
        "I got a customer here",
        "yes",
        "thanks",
        "",
        "got it " * 20,
        "got it" + " " * 10_000,
    ],
)
def test_questions_and_statements_containing_the_words_are_not_acknowledgements(
    heard: str,
) -> None:
    assert read_reply(heard) is not Reply.ACKNOWLEDGED
    assert not is_acknowledgement(heard)


@pytest.mark.parametrize(
    "heard",
    ["AX-200有货吗？", "收到了吗", "好的，AX-200有四十码吗", "明白什么意思", "好几双", "是的"],
)
def test_chinese_questions_are_not_acknowledgements(heard: str) -> None:
    assert read_reply(heard) is not Reply.ACKNOWLEDGED


@pytest.mark.parametrize(
    "heard",
    [
        "I didn't get it",
        "didn't catch that",
        "not understood",
        "I don't understand",
        "sorry?",
        "What?",
        "say that again",
        "can you repeat that please?",
        "one more time",
        "没收到",
        "不明白",
        "没听清",
        "能再说一遍吗？",
        "什么？",
    ],
)
def test_negations_and_repeat_requests_ask_to_hear_it_again(heard: str) -> None:
    assert read_reply(heard) is Reply.REPEAT


@pytest.mark.parametrize(
    "heard", ["I don't have the AX-200 in 40", "what is the discount?", "no customers today"]
)
def test_a_negated_statement_or_a_real_question_is_not_a_repeat_request(heard: str) -> None:
    assert read_reply(heard) is Reply.OTHER


def test_no_question_from_the_question_bank_reads_as_an_acknowledgement() -> None:
    bank = yaml.safe_load((FIXTURES / "questions.yaml").read_text(encoding="utf-8"))
    assert len(bank["questions"]) > 50
    for question in bank["questions"]:
        for text in (question["text"], question["text"].rstrip("?？")):
            assert read_reply(text) is not Reply.ACKNOWLEDGED, text
