"""How a question is read: slots, precedence, recognition slips, and asking back.

Written against the sample chain (knowledge_base/data); the Hearth development chain has its
own question set (tests/fixtures/chains/hearth).
"""

from __future__ import annotations

import re

import pytest
from kb_helpers import local

from knowledge_base.answering import Answer, AnswerSource, Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.matching import sound
from knowledge_base.phrasing import tidy
from knowledge_base.understanding import Intent, understand

SATURDAY = "2026-11-28T15:00"


def ask(answerer: GroundedAnswerer, text: str, store: str = "SH-01", **kwargs) -> Answer:
    return answerer.answer_now(
        Question(text=text, store_id=store, asked_at=local(store, SATURDAY), **kwargs)
    )


# --- stores and cities -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stores"),
    [
        ("is it on in Berlin", ["BER-01"]),
        ("at the BER-01 store", ["BER-01"]),
        ("in Hangzhou", ["HZ-01"]),
        ("at Orchard Road", ["SG-01"]),
        ("in Singapore", ["SG-01"]),
        ("in Shanghai", ["SH-01", "SH-02"]),
        ("in Berlinn", ["BER-01"]),
        ("is the AX-200 on sale", []),
    ],
)
def test_stores_are_read_by_code_name_city_and_region(knowledge, text, stores) -> None:
    assert understand(text, knowledge).stores == stores


def test_a_named_store_wins_over_the_callers_store_and_the_answer_says_so(answerer) -> None:
    answer = ask(answerer, "Is the AX-200 in the weekend offer in Berlin?")
    assert answer.detail["store_id"] == "BER-01"
    assert "Berlin Alexanderplatz" in answer.text
    assert "does not run" in answer.text


def test_a_named_store_in_another_country_is_priced_in_its_currency(answerer) -> None:
    answer = ask(answerer, "How much is the AX-200 in Singapore?")
    assert answer.text.startswith("At Orchard Road, the AX-200 is")
    assert "Singapore dollars" in answer.text and "yuan" not in answer.text


def test_a_city_with_the_callers_own_store_keeps_the_callers_store(answerer) -> None:
    answer = ask(answerer, "Is the AX-200 on sale in Shanghai?", store="SH-02")
    assert answer.detail["store_id"] == "SH-02"
    assert "Xintiandi" not in answer.text


# --- precedence and attribute questions without a name ----------------------------------------


def test_a_named_promotion_wins_over_the_running_one_on_the_same_item(answerer) -> None:
    answer = ask(answerer, "How much off are boots during Double 12?")
    assert answer.promotion_ids[0] == "double-12"
    assert "12 percent" in answer.text


def test_a_limit_question_without_a_name_is_answered_from_the_one_offer_with_a_limit(
    answerer,
) -> None:
    answer = ask(answerer, "How many discounted pairs can one customer buy?")
    assert answer.source is AnswerSource.GROUNDED
    assert "Weekend Running Offer" in answer.text and "2 pairs" in answer.text


def test_an_attribute_question_several_offers_fit_is_answered_for_each_in_one_sentence(
    answerer,
) -> None:
    answer = ask(answerer, "When does the offer end?")
    assert answer.source is AnswerSource.GROUNDED
    assert len(answer.sentences()) == 1
    assert "the Weekend Running Offer: ends on Sunday 29 November" in answer.text


def test_a_question_only_one_offer_can_answer_is_asked_back_when_several_fit(answerer) -> None:
    answer = ask(answerer, "Who do I call about the offer?")
    assert answer.source is AnswerSource.CLARIFY
    assert answer.text.startswith("Which offer do you mean: ")
    assert answer.text.endswith("?") and len(answer.sentences()) == 1
    assert "Weekend Running Offer" in answer.text and " or the " in answer.text


def test_a_question_with_words_the_knowledge_base_never_uses_is_not_guessed(answerer) -> None:
    answer = ask(answerer, "Can a customer return the AX-200 without a receipt?")
    assert answer.source is AnswerSource.UNKNOWN
    weather = ask(answerer, "What's the weather like tomorrow?")
    assert weather.source is AnswerSource.UNKNOWN


# --- recognition slips ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heard", "intent", "member"),
    [
        ("What's the menber price for the AX-200?", Intent.PRICE, True),
        ("What's the todal for two AX-200?", Intent.PRICE, False),
        ("Is there a discuont on the AX-200?", Intent.DISCOUNT, False),
    ],
)
def test_a_cue_word_one_letter_off_still_counts(knowledge, heard, intent, member) -> None:
    parsed = understand(heard, knowledge, vocabulary=frozenset())
    assert (parsed.intent, parsed.member) == (intent, member)


def test_a_word_the_knowledge_base_uses_is_never_corrected_into_a_cue(knowledge) -> None:
    parsed = understand("Is the socks deal on?", knowledge, vocabulary=frozenset({"socks"}))
    assert parsed.corrected == {}


def test_sound_keys_fold_what_recognition_confuses() -> None:
    assert sound("Dutch oven") != sound("dutch often")
    assert sound("Cook Club Week") == sound("cook club weak")
    assert sound("weekend") == sound("weakened")
    assert sound("Sydney") == sound("Sidney")


def test_a_name_heard_as_similar_sounds_is_found(answerer) -> None:
    answer = ask(answerer, "Is the glasier boot in a promotion?")
    assert "WB-320" in answer.text


# --- wording -------------------------------------------------------------------------------------


def test_tidy_removes_doubled_words_and_broken_joins_but_not_numbers() -> None:
    assert tidy("it is also is 20 percent off") == "it is also is 20 percent off"
    assert tidy("it is is 20 percent off and or 2 2") == "it is 20 percent off or 2 2"
    # A name that repeats a word is said whole; a doubled word that is no name is not.
    assert tidy("Lipa Mdogo Mdogo is is fine") == "Lipa Mdogo Mdogo is fine"
    assert tidy("The the offer") == "The offer"


DOUBLED = re.compile(r"\b(\w+)\s+\1\b|\band or\b|\bor and\b|\bis also is\b", re.IGNORECASE)


@pytest.mark.parametrize(
    "text",
    [
        "Is the AX-200 on sale?",
        "Are boots on offer?",
        "Is the TR-900 on sale?",
        "Is the Glacier Boot on offer?",
        "How much are two Glacier Boots?",
        "What offers are on today?",
        "Tell me about the winter boots offer.",
    ],
)
def test_no_answer_doubles_a_word_or_breaks_a_join(answerer, text) -> None:
    for store in ("SH-01", "SG-01", "BER-01"):
        answer = ask(answerer, text, store=store)
        assert not DOUBLED.search(answer.text), answer.text
        assert ". Or " not in answer.text, answer.text


# --- the day asked about ----------------------------------------------------------------------


def test_a_question_about_another_day_is_answered_for_that_day_and_says_so(answerer) -> None:
    # Saturday: the Weekend Running Offer ends on Sunday night.
    tomorrow = ask(answerer, "Is the AX-200 on sale tomorrow?")
    assert tomorrow.text.startswith("Yes, on Sunday 29 November, the AX-200 is 20 percent off")
    monday = ask(answerer, "Is the AX-200 on sale next week?")
    assert "20 percent" not in monday.text
    assert "right now" not in monday.text


def test_a_weekday_inside_a_promotion_name_is_no_day(knowledge) -> None:
    assert understand("When does Black Friday end?", knowledge).when is None
    assert understand("Is it on on Monday?", knowledge).when is not None


def test_words_from_one_offers_name_or_scope_pick_it_among_those_in_force(answerer) -> None:
    answer = ask(answerer, "Who do I call about the spend offer?")
    assert answer.promotion_ids[0] == "winter-boots"
    assert "Lin Wei" in answer.text


def test_a_member_question_without_a_name_goes_to_the_one_offer_with_a_member_price(
    answerer,
) -> None:
    answer = ask(answerer, "What's the member discount?")
    assert answer.text.startswith("The Weekend Running Offer: 20 percent off")


def test_an_item_in_two_offers_in_force_is_asked_back_about_for_one_offers_date(
    answerer,
) -> None:
    at = local("SH-01", "2026-12-12T12:00")
    question = Question(text="When does the offer on the WB-310 end?", asked_at=at)
    answer = answerer.answer_now(question)
    assert answer.source is AnswerSource.CLARIFY
    assert "Double 12" in answer.text and "Winter Boots Spend and Save" in answer.text
    named = answerer.answer_now(Question(text="When does the winter boots offer end?", asked_at=at))
    assert named.text == "The Winter Boots Spend and Save ends on Tuesday 15 December."


def test_chinese_names_longer_than_six_characters_are_found(knowledge) -> None:
    parsed = understand("柏林店有黑色星期五外套优惠吗？", knowledge)
    assert parsed.promotions == ["berlin-black-friday"]
    assert parsed.stores == ["BER-01"]


def test_a_chinese_question_about_another_city_is_answered_for_it(answerer) -> None:
    answer = ask(answerer, "柏林有黑色星期五外套优惠吗？", language="zh-CN")
    assert answer.detail["store_id"] == "BER-01"
    assert "柏林亚历山大广场店" in answer.text and "25%" in answer.text


def test_a_very_long_question_is_read_only_as_far_as_a_spoken_one_goes(knowledge) -> None:
    endless = "is the AX-200 in the weekend offer " * 2000
    parsed = understand(endless, knowledge)
    assert len(parsed.text) <= 600
    assert parsed.products == ["AX-200"]


# --- whether offers combine ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "opening"),
    [
        ("Can the weekend offer be combined with the socks deal?", "Yes, the Weekend Running"),
        ("Does the weekend offer stack with the winter boots offer?", "No, the Weekend Running"),
        ("Does Double 12 stack with the boots offer?", "The Double 12 and the Winter Boots"),
    ],
)
def test_two_offers_named_with_a_combine_question_are_answered_from_their_stacking(
    answerer, text, opening
) -> None:
    answer = ask(answerer, text)
    assert answer.text.startswith(opening), answer.text


def test_a_plural_inside_a_name_still_names_it_and_a_promotion_is_not_read_as_a_product(
    knowledge,
) -> None:
    parsed = understand("Do the winter boot offers include the Glacier Boot?", knowledge)
    assert parsed.promotions == ["winter-boots"]
    assert parsed.products == ["WB-320"]
