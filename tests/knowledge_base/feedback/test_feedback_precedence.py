"""The taxonomy's precedence: a device, a competitor, a pitch, an idea, a fault, a sales mix."""

from __future__ import annotations

import pytest

from knowledge_base.feedback.precedence import TOP_RANKS, apply_precedence
from knowledge_base.feedback.taxonomy import FeedbackCategory

PRICE = FeedbackCategory.PRICE_RULE_CONFUSION
DISPLAY = FeedbackCategory.DISPLAY_TILL_SYSTEM
COMPETITOR = FeedbackCategory.COMPETITOR_ACTIVITY
OBJECTION = FeedbackCategory.CUSTOMER_OBJECTION


def ranking(*ordered: FeedbackCategory) -> dict[FeedbackCategory, float]:
    """Probabilities that rank ``ordered`` first, in that order, and the rest after."""
    rest = [c for c in FeedbackCategory if c not in ordered]
    return {c: 1.0 / (i + 2) for i, c in enumerate([*ordered, *rest])}


@pytest.mark.parametrize(
    "text",
    [
        "the register gives 30 percent on an excluded shoe",
        "the price tags still show last week's discount",
        "结账时收银机多减了100",
    ],
)
def test_a_device_at_fault_beats_price_confusion_when_the_model_also_ranked_it(text: str) -> None:
    assert apply_precedence(text, PRICE, ranking(PRICE, OBJECTION, DISPLAY)) is DISPLAY


@pytest.mark.parametrize(
    "text", ["customers say it is 100 cheaper on Tmall", "顾客说京东上便宜一百"]
)
def test_a_competitor_price_beats_an_objection(text: str) -> None:
    assert apply_precedence(text, OBJECTION, ranking(OBJECTION, COMPETITOR)) is COMPETITOR


def test_a_category_the_model_ranks_low_is_not_forced() -> None:
    low = [c for c in FeedbackCategory if c not in (PRICE, DISPLAY)][:TOP_RANKS]
    probabilities = ranking(PRICE, *low, DISPLAY)
    assert apply_precedence("does the till discount stack?", PRICE, probabilities) is PRICE


def test_without_a_cue_the_models_choice_stands() -> None:
    assert apply_precedence("is the offer per pair?", PRICE, ranking(PRICE, DISPLAY)) is PRICE


def test_a_category_outside_the_rule_is_never_overridden() -> None:
    praise = FeedbackCategory.PRAISE_SUGGESTION
    text = "the new till is so fast, thank you"
    assert apply_precedence(text, praise, ranking(praise, DISPLAY)) is praise


@pytest.mark.parametrize(
    "text", ["the wording of the pitch confuses people", "这个话术顾客听不懂满减怎么算"]
)
def test_a_pitch_that_confuses_is_talk_track_reception(text: str) -> None:
    talk = FeedbackCategory.TALK_TRACK_RECEPTION
    assert apply_precedence(text, PRICE, ranking(PRICE, talk)) is talk


@pytest.mark.parametrize(
    "text",
    [
        "we should put the socks by the door, people keep asking for them",
        "建议把袜子放到门口，老有人问",
    ],
)
def test_a_clerks_own_idea_is_a_suggestion_even_about_stock(text: str) -> None:
    stock = FeedbackCategory.STOCK_AVAILABILITY
    praise = FeedbackCategory.PRAISE_SUGGESTION
    assert apply_precedence(text, stock, ranking(stock, praise)) is praise


def test_suggesting_something_to_a_customer_is_no_idea_for_headquarters() -> None:
    conversion = FeedbackCategory.CONVERSION_INSIGHT
    praise = FeedbackCategory.PRAISE_SUGGESTION
    text = "buyers of the boots take the wool socks too if we suggest it"
    assert apply_precedence(text, conversion, ranking(conversion, praise)) is conversion


@pytest.mark.parametrize(
    "text", ["the sole came apart and she wants a refund", "这双鞋穿了一周就开胶了"]
)
def test_a_product_fault_is_an_objection_even_with_a_stock_count(text: str) -> None:
    stock = FeedbackCategory.STOCK_AVAILABILITY
    assert apply_precedence(text, stock, ranking(stock, OBJECTION)) is OBJECTION


@pytest.mark.parametrize(
    "text", ["the fleece lining is fraying after two washes", "这件夹克洗了一次就褪色了"]
)
def test_a_product_fault_from_the_shared_fault_words_is_an_objection(text: str) -> None:
    conversion = FeedbackCategory.CONVERSION_INSIGHT
    assert apply_precedence(text, conversion, ranking(conversion, OBJECTION)) is OBJECTION


@pytest.mark.parametrize(
    "text", ["the green tee outsells the blue one two to one", "风暴夹克卖得最好的是黑色"]
)
def test_a_sales_mix_fact_is_conversion_not_stock(text: str) -> None:
    stock = FeedbackCategory.STOCK_AVAILABILITY
    conversion = FeedbackCategory.CONVERSION_INSIGHT
    assert apply_precedence(text, stock, ranking(stock, conversion)) is conversion


def test_a_stock_reading_that_names_no_stock_gives_way_to_the_next_choice() -> None:
    stock = FeedbackCategory.STOCK_AVAILABILITY
    traffic = FeedbackCategory.FOOT_TRAFFIC
    text = "a heatwave, the street outside is deserted"
    assert apply_precedence(text, stock, ranking(stock, traffic)) is traffic


@pytest.mark.parametrize("text", ["size 41 is gone again", "41码又没货了", "the truck never came"])
def test_a_stock_reading_that_names_stock_stands(text: str) -> None:
    stock = FeedbackCategory.STOCK_AVAILABILITY
    traffic = FeedbackCategory.FOOT_TRAFFIC
    assert apply_precedence(text, stock, ranking(stock, traffic)) is stock


@pytest.mark.parametrize(
    "text", ["customers hate that only members get the extra ten", "顾客很不满会员价只给老会员"]
)
def test_a_rule_reading_with_no_doubt_in_it_gives_way_to_the_next_choice(text: str) -> None:
    assert apply_precedence(text, PRICE, ranking(PRICE, OBJECTION)) is OBJECTION


@pytest.mark.parametrize(
    "text",
    ["does the member rate stack with the socks offer?", "满减含不含袜子", "顾客以为送最贵的"],
)
def test_a_rule_question_or_doubt_stays_a_rule_confusion(text: str) -> None:
    assert apply_precedence(text, PRICE, ranking(PRICE, OBJECTION)) is PRICE


@pytest.mark.parametrize(
    "text", ["the new boot bench is great, people sit and try more", "新的会员卡很好用，顾客都夸"]
)
def test_praise_of_what_works_is_praise_over_a_reading_of_its_subject(text: str) -> None:
    conversion = FeedbackCategory.CONVERSION_INSIGHT
    praise = FeedbackCategory.PRAISE_SUGGESTION
    assert apply_precedence(text, conversion, ranking(conversion, praise)) is praise


def test_praise_never_hides_a_device_at_fault() -> None:
    text = "great, the till is charging full price for the socks offer again"
    praise = FeedbackCategory.PRAISE_SUGGESTION
    assert apply_precedence(text, PRICE, ranking(PRICE, praise, DISPLAY)) is DISPLAY


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("great, the wool socks are sold out again", FeedbackCategory.STOCK_AVAILABILITY),
        ("thanks a lot, the till crashed twice", DISPLAY),
    ],
)
def test_sarcastic_praise_of_a_problem_is_no_praise(text: str, chosen: FeedbackCategory) -> None:
    praise = FeedbackCategory.PRAISE_SUGGESTION
    assert apply_precedence(text, chosen, ranking(chosen, praise)) is chosen


def test_asking_for_a_device_to_be_fixed_stays_a_device_fault() -> None:
    praise = FeedbackCategory.PRAISE_SUGGESTION
    text = "we should get the broken scanner fixed, it can't read the barcodes"
    assert apply_precedence(text, DISPLAY, ranking(DISPLAY, praise)) is DISPLAY
