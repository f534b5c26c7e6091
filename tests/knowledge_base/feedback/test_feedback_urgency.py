"""The urgency convention of docs/feedback.md: what each category allows, and named consequences."""

from __future__ import annotations

import pytest

from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency
from knowledge_base.feedback.urgency import ALLOWED, decide_urgency

DISPLAY = FeedbackCategory.DISPLAY_TILL_SYSTEM
NEUTRAL = Sentiment.NEUTRAL


def model_says(urgency: Urgency) -> dict[Urgency, float]:
    """A model sure of ``urgency``, with the other two behind in a fixed order."""
    rest = [u for u in (Urgency.NORMAL, Urgency.LOW, Urgency.HIGH) if u is not urgency]
    return {urgency: 0.7, rest[0]: 0.2, rest[1]: 0.1}


@pytest.mark.parametrize(
    "text",
    [
        "the till takes the member discount off twice",
        "card machine at the second register is down",
        "结账时收银机没减会员价",
        "刷卡机又坏了",
    ],
)
def test_a_till_that_takes_money_wrongly_or_is_down_is_high(text: str) -> None:
    assert decide_urgency(text, DISPLAY, NEUTRAL, model_says(Urgency.NORMAL)) is Urgency.HIGH


@pytest.mark.parametrize(
    "text", ["the shelf label on the boots shows the wrong price", "门口的屏幕黑屏了"]
)
def test_a_fault_away_from_the_till_keeps_the_models_urgency_but_is_never_low(text: str) -> None:
    assert decide_urgency(text, DISPLAY, NEUTRAL, model_says(Urgency.NORMAL)) is Urgency.NORMAL
    assert decide_urgency(text, DISPLAY, NEUTRAL, model_says(Urgency.LOW)) is Urgency.NORMAL


def test_a_rule_question_is_normal_and_praise_low_whatever_the_model_says() -> None:
    text = "customers ask whether the till takes the discount off the boots"
    for said in Urgency:
        confusion = FeedbackCategory.PRICE_RULE_CONFUSION
        assert decide_urgency(text, confusion, NEUTRAL, model_says(said)) is Urgency.NORMAL
        praise = FeedbackCategory.PRAISE_SUGGESTION
        assert decide_urgency("love it", praise, NEUTRAL, model_says(said)) is Urgency.LOW


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the mall lost power and the store is closed until further notice", Urgency.HIGH),
        ("商场停电，顾客进不来", Urgency.HIGH),
        ("twice the visitors we planned for, queues at the door", Urgency.NORMAL),
        ("客流只有计划的一半", Urgency.NORMAL),
    ],
)
def test_foot_traffic_is_high_only_when_nobody_can_come_in(text: str, expected: Urgency) -> None:
    traffic = FeedbackCategory.FOOT_TRAFFIC
    assert decide_urgency(text, traffic, NEUTRAL, model_says(Urgency.LOW)) is expected


def test_a_pitch_that_works_is_low_one_that_falls_flat_normal() -> None:
    pitch = FeedbackCategory.TALK_TRACK_RECEPTION
    works = decide_urgency(
        "the new line works", pitch, Sentiment.POSITIVE, model_says(Urgency.NORMAL)
    )
    flat = decide_urgency(
        "the new line bores them", pitch, Sentiment.NEGATIVE, model_says(Urgency.LOW)
    )
    assert (works, flat) == (Urgency.LOW, Urgency.NORMAL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "another pair of the hiking boots came back with the sole peeling, fourth one",
            Urgency.HIGH,
        ),
        ("这批卫衣拉链又坏了，已经退货三件", Urgency.HIGH),
        ("one customer thinks the hoodie is too expensive", Urgency.NORMAL),
    ],
)
def test_an_objection_is_high_when_the_same_fault_comes_back(text: str, expected: Urgency) -> None:
    objection = FeedbackCategory.CUSTOMER_OBJECTION
    assert (
        decide_urgency(text, objection, Sentiment.NEGATIVE, model_says(Urgency.NORMAL)) is expected
    )


def test_every_category_allows_some_urgency_and_only_stock_and_competitors_all_three() -> None:
    assert set(ALLOWED) == set(FeedbackCategory)
    assert {c for c, allowed in ALLOWED.items() if len(allowed) == 3} == {
        FeedbackCategory.STOCK_AVAILABILITY,
        FeedbackCategory.COMPETITOR_ACTIVITY,
    }


COMPETITOR = FeedbackCategory.COMPETITOR_ACTIVITY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the outlet down the road has our jackets 30 percent cheaper today", Urgency.HIGH),
        ("对面今天跑鞋全场半价，顾客问我们跟不跟价", Urgency.HIGH),
        ("their spring sale is over, prices are back to normal", Urgency.LOW),
        ("隔壁的清仓活动昨天结束了", Urgency.LOW),
    ],
)
def test_a_competitor_undercutting_us_now_is_high_and_an_ended_offer_low(
    text: str, expected: Urgency
) -> None:
    assert decide_urgency(text, COMPETITOR, NEUTRAL, model_says(Urgency.NORMAL)) is expected


def test_a_competitor_not_undercutting_us_now_is_never_high() -> None:
    text = "a rival brand opened a running club at their store"
    assert decide_urgency(text, COMPETITOR, NEUTRAL, model_says(Urgency.HIGH)) is Urgency.NORMAL
    assert decide_urgency(text, COMPETITOR, NEUTRAL, model_says(Urgency.LOW)) is Urgency.LOW


STOCK = FeedbackCategory.STOCK_AVAILABILITY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("size 38 of the boots sold out and people keep asking", Urgency.HIGH),
        ("活动期间42码又卖断了", Urgency.HIGH),
        ("the hoodies were restocked this morning, all sizes back", Urgency.LOW),
        ("冬靴到货了，尺码齐了", Urgency.LOW),
    ],
)
def test_a_sell_out_in_demand_is_high_and_stock_back_low(text: str, expected: Urgency) -> None:
    assert decide_urgency(text, STOCK, NEUTRAL, model_says(Urgency.NORMAL)) is expected


def test_stock_with_no_sell_out_named_is_never_high() -> None:
    text = "a few boxes of tees are running low"
    assert decide_urgency(text, STOCK, NEUTRAL, model_says(Urgency.HIGH)) is Urgency.NORMAL
