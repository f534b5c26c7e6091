"""Consequences the taxonomy calls urgent: a till that takes money wrongly or is down."""

from __future__ import annotations

import pytest

from knowledge_base.feedback.taxonomy import FeedbackCategory, Urgency
from knowledge_base.feedback.urgency import apply_consequences

DISPLAY = FeedbackCategory.DISPLAY_TILL_SYSTEM


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
    assert apply_consequences(text, DISPLAY, Urgency.NORMAL) is Urgency.HIGH


@pytest.mark.parametrize(
    "text", ["the shelf label on the boots shows the wrong price", "门口的屏幕黑屏了"]
)
def test_a_fault_away_from_the_till_keeps_the_models_urgency(text: str) -> None:
    assert apply_consequences(text, DISPLAY, Urgency.NORMAL) is Urgency.NORMAL


def test_only_device_reports_are_raised() -> None:
    text = "customers ask whether the till takes the discount off the boots"
    assert (
        apply_consequences(text, FeedbackCategory.PRICE_RULE_CONFUSION, Urgency.NORMAL)
        is Urgency.NORMAL
    )
