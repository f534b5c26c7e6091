"""Question mining: which answers are gaps, how questions are normalised and grouped."""

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from knowledge_base.answering import Answer, AnswerSource, Question, Role
from knowledge_base.gaps import (
    GapReason,
    QuestionLogger,
    QuestionRecord,
    gap_reason,
    group_gaps,
    question_tokens,
    similarity,
    top_gaps,
)
from voice_agent.storage import SqlQuestionLogRepository, open_database

T0 = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


def _record(
    text: str,
    minutes: int = 0,
    *,
    promotion: str | None = "weekend-running",
    store: str | None = "SH-01",
    reason: GapReason = GapReason.UNKNOWN,
    language: str = "en",
) -> QuestionRecord:
    return QuestionRecord(
        text=text,
        role=Role.CLERK,
        language=language,
        source=AnswerSource(reason.value),
        reason=reason,
        asked_at=T0 + timedelta(minutes=minutes),
        store_id=store,
        promotion_id=promotion,
    )


# --- which answers are gaps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (AnswerSource.GROUNDED, None),
        (AnswerSource.LLM, None),
        (AnswerSource.FALLBACK, GapReason.FALLBACK),
        (AnswerSource.UNKNOWN, GapReason.UNKNOWN),
        (AnswerSource.REFUSED, GapReason.REFUSED),
    ],
)
def test_only_unknown_fallback_and_refused_answers_are_gaps(
    source: AnswerSource, reason: GapReason | None
) -> None:
    assert gap_reason(Answer(text="...", source=source)) is reason


# --- normalisation -------------------------------------------------------------------------------


def test_stopwords_and_punctuation_are_dropped_and_suffixes_folded() -> None:
    assert question_tokens("Can it be combined with a coupon?") == {"combin", "coupon"}
    assert question_tokens("can I COMBINE it with coupons") == {"combin", "coupon"}
    assert question_tokens("Is the coupon combinable?") == {"coupon", "combin"}


def test_skus_and_numbers_stay_whole() -> None:
    assert question_tokens("Is the AX-200-LE 20% off?") == {"ax-200-le", "20", "off"}


def test_chinese_questions_become_character_tokens_without_particles() -> None:
    assert question_tokens("可以和优惠券一起用吗？") == set("可以和优惠券一起用")


def test_a_question_of_only_stopwords_keeps_its_text() -> None:
    assert question_tokens("What is it?") == {"what is it"}


def test_similarity_is_shared_over_all_tokens() -> None:
    assert similarity(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert similarity(frozenset(), frozenset()) == 1.0


# --- grouping -------------------------------------------------------------------------------------


def test_similar_questions_about_one_promotion_form_one_group_with_counts() -> None:
    records = [
        _record("Can it be combined with a coupon?", 0, store="SH-02"),
        _record("can I combine it with coupons", 5, reason=GapReason.FALLBACK),
        _record("Can it be combined with a coupon?", 9, store="SG-01"),
        _record("Do members get the extra discount online?", 12),
    ]
    coupon, members = group_gaps(records)
    assert coupon.promotion_id == "weekend-running"
    assert coupon.key == "combin coupon"
    assert coupon.count == 3
    assert (coupon.first_seen, coupon.last_seen) == (T0, T0 + timedelta(minutes=9))
    assert coupon.examples == ("Can it be combined with a coupon?", "can I combine it with coupons")
    assert coupon.stores == ("SG-01", "SH-01", "SH-02")
    assert coupon.reasons == {GapReason.UNKNOWN: 2, GapReason.FALLBACK: 1}
    assert members.count == 1


def test_the_same_question_about_different_promotions_stays_apart() -> None:
    groups = group_gaps(
        [
            _record("does it stack with coupons", promotion="weekend-running"),
            _record("does it stack with coupons", promotion="winter-boots"),
        ]
    )
    assert [(g.promotion_id, g.count) for g in groups] == [
        ("weekend-running", 1),
        ("winter-boots", 1),
    ]


def test_groups_are_ordered_by_promotion_then_count_with_no_promotion_last() -> None:
    records = [
        _record("who do I call about returns", 0, promotion=None),
        _record("who do I call about returns", 1, promotion=None),
        _record("who do I call about returns", 2, promotion=None),
        _record("is the AX-200 in it", 3),
        _record("does the member discount stack", 4),
        _record("does the member discount stack", 5),
        _record("socks in any colour", 6, promotion="socks-3for2"),
    ]
    order = [(g.promotion_id, g.count) for g in group_gaps(records)]
    assert order == [("socks-3for2", 1), ("weekend-running", 2), ("weekend-running", 1), (None, 3)]


def test_grouping_does_not_depend_on_input_order() -> None:
    records = [
        _record(text, minutes)
        for minutes, text in enumerate(
            [
                "is the limited edition included",
                "limited edition included in the offer?",
                "is the AX-200-LE included",
                "can I use a coupon",
                "coupon use allowed?",
            ]
        )
    ]
    expected = group_gaps(records)
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert group_gaps(shuffled) == expected


def test_groups_compare_with_their_first_question_so_they_do_not_drift() -> None:
    # b is close to a, c is close to b but not to a: c must start its own group.
    a = _record("limited edition running shoes discount", 0)
    b = _record("limited edition running shoes price", 1)
    c = _record("running shoes price members", 2)
    groups = group_gaps([a, b, c], threshold=0.5)
    assert [g.examples for g in groups] == [(a.text, b.text), (c.text,)]


def test_examples_are_distinct_and_capped() -> None:
    records = [_record("coupon combined?" + "?" * i, i) for i in range(5)]
    (group,) = group_gaps(records, max_examples=2)
    assert group.count == 5 and len(group.examples) == 2


def test_threshold_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="threshold"):
        group_gaps([], threshold=0)


def test_top_gaps_keeps_the_first_groups_of_each_promotion() -> None:
    topics = ["coupon", "members", "limit", "exclusion", "end date", "online orders"]
    records = [_record(topic, i) for i, topic in enumerate(topics)]
    records.append(_record("boots question", 9, promotion="winter-boots"))
    kept = top_gaps(group_gaps(records), per_promotion=2)
    assert [g.promotion_id for g in kept] == ["weekend-running", "weekend-running", "winter-boots"]


# --- the logger the pipeline calls ---------------------------------------------------------------


async def test_question_logger_stores_gaps_and_ignores_grounded_answers(tmp_path: Path) -> None:
    shanghai = timezone(timedelta(hours=8))
    with open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}") as database:
        repository = SqlQuestionLogRepository(database=database)
        question_logger = QuestionLogger(repository=repository, clock=lambda: T0)
        asked = Question(
            text="Can it be combined with a coupon?",
            role=Role.STORE_MANAGER,
            store_id="SH-01",
            language="en",
            asked_at=datetime(2026, 11, 28, 15, 0, tzinfo=shanghai),
        )
        answered = await question_logger.record(
            asked, Answer(text="20 percent off.", source=AnswerSource.GROUNDED)
        )
        stored = await question_logger.record(
            asked,
            Answer(
                text="I'm not sure; ask Lin Wei.",
                source=AnswerSource.FALLBACK,
                promotion_ids=["weekend-running", "socks-3for2"],
            ),
        )
        refused = await question_logger.record(
            Question(text="what is the regional target", store_id="SH-02"),
            Answer(text="That is for regional managers.", source=AnswerSource.REFUSED),
        )
        assert answered is None
        assert stored is not None and refused is not None
        records = repository.find()
    assert records == [stored, refused]
    assert (stored.reason, stored.promotion_id, stored.role) == (
        GapReason.FALLBACK,
        "weekend-running",
        Role.STORE_MANAGER,
    )
    assert stored.answer_text == "I'm not sure; ask Lin Wei."
    assert refused.asked_at == T0  # no asked_at on the question: the clock's time
    assert refused.reason is GapReason.REFUSED and refused.promotion_id is None
