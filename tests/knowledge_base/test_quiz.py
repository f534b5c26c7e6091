"""Quizzes: questions generated from a promotion's facts, and spoken answers scored."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.quiz import QuestionKind, QuizQuestion, generate_quiz
from knowledge_base.quiz_scoring import passed_at, score_answer, yes_or_no


def quiz(
    knowledge: KnowledgeBase, language: str = "en", **kwargs: object
) -> dict[str, QuizQuestion]:
    questions = generate_quiz(
        knowledge.promotion(str(kwargs.pop("promotion", "weekend-running"))),
        knowledge=knowledge,
        store_id=str(kwargs.pop("store", "SH-01")),
        language=language,
        count=6,
        **kwargs,  # type: ignore[arg-type]
    )
    return {q.kind.value: q for q in questions}


def test_two_or_three_questions_come_from_the_promotion_facts(knowledge: KnowledgeBase) -> None:
    questions = generate_quiz(
        knowledge.promotion("weekend-running"), knowledge=knowledge, store_id="SH-01"
    )
    assert [q.kind for q in questions] == [
        QuestionKind.DISCOUNT,
        QuestionKind.EXCLUSIONS,
        QuestionKind.END_DATE,
    ]
    discount = questions[0]
    assert discount.id == "weekend-running@2:discount"
    assert discount.text == "What is the discount in the Weekend Running Offer?"
    assert discount.expected.percents == (Decimal(20),)
    assert discount.rule == (
        "The Weekend Running Offer: 20 percent off, members save another 5 percent,"
        " limit 2 pairs per customer."
    )
    assert questions[1].expected.skus == ("AX-200-LE",)
    assert questions[2].expected.last_day == (11, 29)
    for promotion_id, store in [
        (p, "BER-01" if p.startswith("berlin") else "SH-01") for p in knowledge.promotions
    ]:
        made = generate_quiz(knowledge.promotion(promotion_id), knowledge=knowledge, store_id=store)
        assert 2 <= len(made) <= 3, promotion_id


def test_changed_fields_are_asked_about_first(knowledge: KnowledgeBase) -> None:
    questions = generate_quiz(
        knowledge.promotion("weekend-running"),
        knowledge=knowledge,
        store_id="SH-01",
        changed={"stacking", "limit"},
        count=2,
    )
    assert [q.kind for q in questions] == [QuestionKind.STACKING, QuestionKind.LIMIT]
    assert questions[0].text == (
        "Can the Weekend Running Offer be combined with the Winter Boots Spend and Save?"
    )
    assert questions[0].expected.yes is False
    assert questions[1].expected.numbers == (Decimal(2),)


def test_questions_and_rules_are_spoken_in_chinese(knowledge: KnowledgeBase) -> None:
    questions = quiz(knowledge, "zh-CN")
    assert questions["discount"].text == "周末跑鞋优惠的优惠是多少？"
    assert questions["limit"].rule == "周末跑鞋优惠每位顾客限2双。"
    assert questions["end_date"].rule == "周末跑鞋优惠11月29日星期日结束。"


def test_other_rule_kinds_expect_their_own_numbers(knowledge: KnowledgeBase) -> None:
    socks = quiz(knowledge, promotion="socks-3for2")["discount"]
    assert socks.expected.numbers == (Decimal(2), Decimal(1))
    boots = quiz(knowledge, promotion="winter-boots")["discount"]
    assert boots.expected.numbers == (Decimal(1000), Decimal(150))


@pytest.mark.parametrize(
    ("kind", "heard"),
    [
        ("discount", "twenty percent"),
        ("discount", "Twenty percent off, and members save another five."),
        ("discount", "twenty"),
        ("exclusions", "the AX-200 limited edition"),
        ("exclusions", "the a x two hundred limited"),
        ("end_date", "Sunday the twenty ninth"),
        ("end_date", "until the 29th of November"),
        ("end_date", "it ends on Sunday"),
        ("stacking", "no, it cannot"),
        ("limit", "two pairs"),
        (
            "talk_track",
            "All running shoes are twenty percent off and members save five percent more",
        ),
    ],
)
def test_right_english_answers_pass(knowledge: KnowledgeBase, kind: str, heard: str) -> None:
    result = score_answer(quiz(knowledge)[kind], heard, knowledge=knowledge, clerk="ana")
    assert result.passed, result.reasons
    assert (result.replay, result.judged_by) == (None, "rules")


@pytest.mark.parametrize(
    ("kind", "heard"),
    [
        ("discount", "百分之二十"),
        ("discount", "打八折"),
        ("limit", "两双"),
        ("end_date", "11月29日"),
        ("end_date", "二十九号"),
        ("stacking", "不能"),
        ("talk_track", "所有跑鞋优惠百分之二十，会员再优惠百分之五"),
    ],
)
def test_right_chinese_answers_pass(knowledge: KnowledgeBase, kind: str, heard: str) -> None:
    result = score_answer(quiz(knowledge, "zh-CN")[kind], heard, knowledge=knowledge)
    assert result.passed, result.reasons


@pytest.mark.parametrize(
    ("kind", "heard", "reason"),
    [
        ("discount", "fifteen percent", "said 15 percent, which the rule does not say"),
        ("discount", "20 percent, or 15 for members", "said 15, which the rule does not say"),
        ("discount", "八五折", "did not say 20 percent"),
        ("limit", "three pairs", "did not say 2"),
        ("limit", "一人限三双", "said 3, which the rule does not say"),
        ("end_date", "Saturday the 28th", "said another day than the last day"),
        ("end_date", "the twenty eighth", "did not say the last day"),
        ("exclusions", "the Road Nova", "did not name AX-200-LE"),
        ("stacking", "yes", "said yes; the answer is no"),
        ("stacking", "I think so", "did not say yes or no"),
        ("talk_track", "twenty percent off", "did not say which items it is about"),
    ],
)
def test_wrong_answers_fail_with_the_reason_and_the_rule_to_replay(
    knowledge: KnowledgeBase, kind: str, heard: str, reason: str
) -> None:
    question = quiz(knowledge)[kind] if heard.isascii() else quiz(knowledge, "zh-CN")[kind]
    result = score_answer(question, heard, knowledge=knowledge, clerk="ben")
    assert not result.passed
    assert reason in result.reasons
    assert result.replay == question.rule


def test_a_judge_may_accept_wording_but_never_a_wrong_or_missing_number(
    knowledge: KnowledgeBase,
) -> None:
    questions = quiz(knowledge)
    calls: list[str] = []

    def generous(question: QuizQuestion, heard: str) -> bool:
        calls.append(heard)
        return True

    worded = score_answer(questions["stacking"], "I think so", knowledge=knowledge, judge=generous)
    assert (worded.passed, worded.judged_by) == (True, "judge")
    wrong = score_answer(
        questions["discount"], "fifteen percent", knowledge=knowledge, judge=generous
    )
    assert not wrong.passed
    missing = score_answer(
        questions["talk_track"], "running shoes are on sale", knowledge=knowledge, judge=generous
    )
    assert not missing.passed and "did not say 20 percent" in missing.reasons
    assert calls == ["I think so"]
    no_opinion = score_answer(
        questions["stacking"], "hmm", knowledge=knowledge, judge=lambda q, h: None
    )
    assert not no_opinion.passed


def test_results_are_plain_values(knowledge: KnowledgeBase) -> None:
    result = score_answer(quiz(knowledge)["limit"], "three pairs", knowledge=knowledge, clerk="ben")
    assert result.to_dict() == {
        "question_id": "weekend-running@2:limit",
        "clerk": "ben",
        "kind": "limit",
        "heard": "three pairs",
        "passed": False,
        "reasons": ["said 3, which the rule does not say", "did not say 2"],
        "replay": "The Weekend Running Offer: limit 2 pairs per customer.",
        "judged_by": "rules",
        "answered_at": None,
    }


@pytest.mark.parametrize(
    ("heard", "answer"),
    [
        ("no", False),
        ("No, it can't.", False),
        ("yes it does", True),
        ("可以", True),
        ("不可以", False),
        ("maybe", None),
    ],
)
def test_yes_or_no(heard: str, answer: bool | None) -> None:
    assert yes_or_no(heard) is answer


def test_a_clerk_passes_a_quiz_when_every_question_has_a_right_answer_retries_included(
    knowledge: KnowledgeBase,
) -> None:
    t0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    questions = generate_quiz(
        knowledge.promotion("weekend-running"), knowledge=knowledge, store_id="SH-01"
    )
    ids = [q.id for q in questions]
    discount, exclusions, end_date = questions
    answers = [
        score_answer(discount, "fifteen percent", knowledge=knowledge, clerk="ben", at=t0),
        score_answer(
            exclusions,
            "the AX-200 limited edition",
            knowledge=knowledge,
            clerk="ben",
            at=t0 + timedelta(minutes=1),
        ),
        score_answer(
            end_date, "Sunday", knowledge=knowledge, clerk="ben", at=t0 + timedelta(minutes=2)
        ),
    ]
    assert passed_at(answers, ids) is None  # the discount was wrong
    assert answers[0].replay == discount.rule
    retry = score_answer(
        discount, "twenty percent", knowledge=knowledge, clerk="ben", at=t0 + timedelta(minutes=9)
    )
    assert retry.to_dict()["answered_at"] == (t0 + timedelta(minutes=9)).isoformat()
    assert passed_at([*answers, retry], ids) == t0 + timedelta(minutes=9)
    assert passed_at([], ids) is None
    assert passed_at(answers, []) is None


def every_question(knowledge: KnowledgeBase) -> list[QuizQuestion]:
    questions = []
    for promotion in knowledge.promotions.values():
        store = knowledge.regions[promotion.regions[0]].stores[0].id
        for language in ("en", "zh-CN"):
            questions += generate_quiz(
                promotion, knowledge=knowledge, store_id=store, language=language, count=6
            )
    return questions


def test_reading_the_rule_back_passes_every_sample_question(knowledge: KnowledgeBase) -> None:
    questions = every_question(knowledge)
    assert len(questions) > 30
    for question in questions:
        result = score_answer(question, question.rule, knowledge=knowledge)
        assert result.passed, (question.id, question.language, question.rule, result.reasons)


def test_changing_any_expected_number_in_the_rule_fails_every_sample_question(
    knowledge: KnowledgeBase,
) -> None:
    checked = 0
    for question in every_question(knowledge):
        expected = question.expected
        values = [*expected.percents, *expected.numbers]
        if expected.last_day:
            values.append(Decimal(expected.last_day[1]))
        for value in values:
            digits = f"{value.normalize():f}"
            wrong = str(value + 1 if value < 28 else value - 1)
            changed = re.sub(rf"(?<![\d.]){re.escape(digits)}(?![\d.])", wrong, question.rule)
            if changed == question.rule:
                continue
            result = score_answer(question, changed, knowledge=knowledge)
            assert not result.passed, (question.id, changed)
            checked += 1
    assert checked > 30
