import time
from statistics import median

import pytest
from kb_helpers import DEFAULT_CONTACT, generated_promotion, local

from knowledge_base.answering import Answer, AnswerSource, Question, Role
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.speech import invented_numbers

SATURDAY = local("SH-01", "2026-11-28T15:00")


def ask(answerer: GroundedAnswerer, text: str, **kwargs) -> Answer:
    kwargs.setdefault("asked_at", SATURDAY)
    return answerer.answer_now(Question(text=text, **kwargs))


def test_the_constructor_takes_keywords_only(knowledge) -> None:
    with pytest.raises(TypeError):
        GroundedAnswerer(knowledge, DEFAULT_CONTACT)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("role", "staffing", "targets"),
    [
        (Role.CLERK, AnswerSource.REFUSED, AnswerSource.REFUSED),
        (Role.STORE_MANAGER, AnswerSource.GROUNDED, AnswerSource.REFUSED),
        (Role.REGIONAL_MANAGER, AnswerSource.GROUNDED, AnswerSource.GROUNDED),
        (Role.HQ, AnswerSource.GROUNDED, AnswerSource.GROUNDED),
    ],
)
def test_each_role_hears_only_its_depth(answerer, role, staffing, targets) -> None:
    notes = ask(answerer, "What's the staffing plan for the weekend offer?", role=role)
    goal = ask(answerer, "What's the sell-through target for the weekend offer?", role=role)
    assert (notes.source, goal.source) == (staffing, targets)
    assert ("12:00-18:00" in notes.text) == (staffing is AnswerSource.GROUNDED)
    assert ("1,200 pairs" in goal.text) == (targets is AnswerSource.GROUNDED)


def test_refusals_say_nothing_from_the_restricted_section(answerer) -> None:
    refused = ask(answerer, "What's the sell-through target for the weekend offer?")
    assert refused.text == "Sales targets are not available to you; they are for regional managers."
    assert refused.facts == [] and refused.promotion_ids == []


def test_a_clerk_hears_the_talk_track_and_the_rule_but_no_manager_notes(answerer) -> None:
    clerk = ask(answerer, "Tell me about the weekend offer.")
    manager = ask(answerer, "Tell me about the weekend offer.", role=Role.STORE_MANAGER)
    assert clerk.text.startswith("This weekend all running shoes are 20 percent off")
    assert "staff" not in clerk.text
    assert "Put two extra staff on the running wall Saturday 12:00-18:00." in manager.text


def test_a_chinese_question_is_answered_in_chinese_from_chinese_text(answerer) -> None:
    answer = ask(answerer, "周末跑鞋优惠可以和优惠券一起用吗？", language="zh-CN")
    assert answer.text == "不可以，优惠券不能与周末跑鞋优惠同时使用。"
    assert answer.source is AnswerSource.GROUNDED


def test_chinese_characters_are_detected_even_when_the_language_says_english(answerer) -> None:
    answer = ask(answerer, "AX-200会员价多少钱？", language="en")
    assert answer.text.startswith("会员买AX-200要683.24元")


def test_chinese_answers_fall_back_to_english_text_where_none_is_written(answerer) -> None:
    answer = ask(answerer, "周末跑鞋优惠的人手安排？", language="zh-CN", role=Role.STORE_MANAGER)
    assert "Put two extra staff" in answer.text
    assert answer.text.startswith("周末跑鞋优惠：")


def test_an_unknown_question_names_the_default_contact(answerer) -> None:
    answer = ask(answerer, "Can I get a refund on a gift card?")
    assert answer.source is AnswerSource.UNKNOWN
    assert answer.text == f"I don't know that one; please ask {DEFAULT_CONTACT}."
    zh = ask(answerer, "礼品卡可以退款吗？", language="zh-CN")
    assert zh.text == f"这个我不知道，请咨询{DEFAULT_CONTACT}。"


def test_drafts_are_invisible(answerer) -> None:
    for text in ("Tell me about the new year preview", "When does the new year preview start?"):
        answer = ask(answerer, text)
        assert answer.source is AnswerSource.UNKNOWN
        assert "40" not in answer.text


def test_questions_without_a_store_use_the_default_store(knowledge) -> None:
    shanghai = GroundedAnswerer(knowledge=knowledge, default_contact=DEFAULT_CONTACT)
    berlin = GroundedAnswerer(
        knowledge=knowledge, default_contact=DEFAULT_CONTACT, default_store_id="BER-01"
    )
    assert "719.20 yuan" in ask(shanghai, "How much is the AX-200?").text
    assert ask(berlin, "How much is the Storm Jacket?").text.startswith(
        "The JK-700 is 149.25 euros"
    )


def test_a_question_from_an_unknown_store_is_not_answered_for_another_store(answerer) -> None:
    answer = ask(answerer, "How much is the AX-200?", store_id="XX-99")
    assert answer.source is AnswerSource.UNKNOWN
    assert answer.detail["error"] == "unknown_store"


def test_the_clock_is_used_when_the_question_has_no_moment(knowledge) -> None:
    monday = GroundedAnswerer(
        knowledge=knowledge,
        default_contact=DEFAULT_CONTACT,
        clock=lambda: local("SH-01", "2026-11-30T10:00"),
    )
    answer = monday.answer_now(Question(text="Is the AX-200 on sale?"))
    # The weekend offer is over on Monday; the next one for the AX-200 is Double 12, one day.
    assert answer.text.startswith(
        "Not yet: the AX-200 is 12 percent off on Saturday 12 December only"
    )


def test_dates_in_another_year_say_the_year(answerer) -> None:
    answer = ask(
        answerer, "When does Double 12 start?", asked_at=local("SH-01", "2027-01-05T10:00")
    )
    assert answer.text == "The Double 12 ended on Saturday 12 December 2026."


def test_the_expired_and_future_promotions_say_when(answerer) -> None:
    assert "ended on Saturday 31 October" in ask(answerer, "Is the autumn clearance on?").text
    assert "starts on Saturday 12 December" in ask(answerer, "When is Double 12?").text


def test_what_changed_reads_the_change_notes_of_the_current_version(answerer) -> None:
    answer = ask(answerer, "What changed in the weekend offer?")
    assert answer.sentences() == [
        "In version 2 of the Weekend Running Offer, the discount went up from 15 percent to"
        " 20 percent.",
        "The AX-200-LE limited edition is now excluded.",
    ]


def test_every_number_in_an_answer_is_in_its_facts(answerer) -> None:
    questions = [
        "What's the member price for two pairs of AX-200 and three wool socks?",
        "How much are four pairs of Road Nova?",
        "Is the Glacier Boot in an offer?",
        "Who do I call about the socks offer?",
        "When does Black Friday end?",
    ]
    for text in questions:
        for store in ("SH-01", "SG-01", "BER-01"):
            answer = ask(answerer, text, store_id=store, asked_at=local(store, "2026-11-28T15:00"))
            assert invented_numbers(answer.text, answer.facts) == [], (text, store, answer.text)


def test_the_first_sentence_carries_the_key_fact(answerer) -> None:
    answer = ask(answerer, "What's the member price for two pairs of AX-200?")
    first = answer.sentences()[0]
    assert first == "For a member, 2 AX-200 come to 1366.48 yuan, down from 1798 yuan."


def test_answers_take_well_under_a_few_milliseconds(answerer) -> None:
    questions = [
        "Is the AX-200 in the weekend offer?",
        "What's the member price for two pairs of AX-200?",
        "Can a customer combine the weekend offer with a coupon?",
        "is the everyday tea still discounted",
        "What's the weather like tomorrow?",
        "周末跑鞋优惠什么时候结束？",
    ]
    for text in questions:
        ask(answerer, text)  # warm up
    cpu_ms = []
    for text in questions * 5:
        started = time.thread_time()
        ask(answerer, text)
        cpu_ms.append((time.thread_time() - started) * 1000)
    assert median(cpu_ms) < 5, cpu_ms


async def test_streaming_yields_the_sentences_then_the_whole_answer(answerer) -> None:
    question = Question(text="Is the AX-200 in the weekend offer?", asked_at=SATURDAY)
    items = [item async for item in answerer.stream(question)]
    *sentences, final = items
    assert isinstance(final, Answer)
    assert sentences == final.sentences()
    assert sentences[0] == (
        "Yes, the AX-200 is 20 percent off in the Weekend Running Offer, so 719.20 yuan."
    )
    assert final.promotion_ids == ["weekend-running"]
    assert final.detail["intent"] == "in_offer"


@pytest.mark.slow
def test_answers_stay_fast_with_ten_thousand_promotions(sample_copy) -> None:
    from knowledge_base.loader import load_knowledge_base

    for index in range(10_000):
        path = sample_copy / "promotions" / f"generated-{index:05d}.yaml"
        path.write_text(generated_promotion(index))
    big = GroundedAnswerer(
        knowledge=load_knowledge_base(sample_copy), default_contact=DEFAULT_CONTACT
    )
    questions = {
        "Is the AX-200 in the weekend offer?": "20 percent",
        "What's the member price for two pairs of AX-200?": "1366.48 yuan",
        "Can a customer combine the weekend offer with a coupon?": "coupons cannot",
        "Is the Storm Jacket on sale?": "JK-700",
        "Who do I call about generated offer 42?": "Lin Wei",
    }
    for text, fact in questions.items():
        ask(big, text)  # warm up
        # This thread's CPU only: the suite's other threads (servers, pipelines) do not count.
        started = time.thread_time()
        answer = ask(big, text)
        cpu_ms = (time.thread_time() - started) * 1000
        assert fact in answer.text, answer.text
        # A guard against work that grows with the catalogue faster than linearly (it would
        # take seconds here), not the speed goal: `voice-agent bench answers` reports that
        # (p50/p95 per chain, docs/BENCHMARKS.md). Measured 50-56 ms of CPU under other jobs' load.
        assert cpu_ms < 250, f"{text!r} took {cpu_ms:.1f} ms of CPU"
