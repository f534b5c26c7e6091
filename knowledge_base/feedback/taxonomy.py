"""The fixed feedback taxonomy: categories, urgency and sentiment (``docs/feedback.md``)."""

from __future__ import annotations

from enum import StrEnum


class FeedbackCategory(StrEnum):
    """What a piece of shop-floor feedback is about."""

    STOCK_AVAILABILITY = "stock_availability"
    PRICE_RULE_CONFUSION = "price_rule_confusion"
    CUSTOMER_OBJECTION = "customer_objection"
    CONVERSION_INSIGHT = "conversion_insight"
    TALK_TRACK_RECEPTION = "talk_track_reception"
    FOOT_TRAFFIC = "foot_traffic"
    COMPETITOR_ACTIVITY = "competitor_activity"
    DISPLAY_TILL_SYSTEM = "display_till_system"
    PRAISE_SUGGESTION = "praise_suggestion"
    OTHER = "other"


class Urgency(StrEnum):
    """How soon headquarters should look at it."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Sentiment(StrEnum):
    """The clerk's (or the customers') tone."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


CATEGORY_DEFINITIONS: dict[FeedbackCategory, str] = {
    FeedbackCategory.STOCK_AVAILABILITY: "Stock or size availability: sold out, missing sizes,"
    " deliveries, too much stock.",
    FeedbackCategory.PRICE_RULE_CONFUSION: "Price or rule confusion: customers or staff unsure"
    " how a promotion works, what it covers or what it costs.",
    FeedbackCategory.CUSTOMER_OBJECTION: "Customer objection or complaint: about price, quality,"
    " fit, service or a promotion's fairness.",
    FeedbackCategory.CONVERSION_INSIGHT: "Conversion insight: what customers try, ask about or"
    " leave without buying (tried on a lot but not bought).",
    FeedbackCategory.TALK_TRACK_RECEPTION: "Talk-track reception: how the suggested pitch lands"
    " with customers.",
    FeedbackCategory.FOOT_TRAFFIC: "Foot traffic: visitors compared with plan or expectation.",
    FeedbackCategory.COMPETITOR_ACTIVITY: "Competitor activity: a competitor's offer, price or"
    " action nearby.",
    FeedbackCategory.DISPLAY_TILL_SYSTEM: "Display, till or system problem: the till rejects the"
    " discount, wrong shelf labels, broken screens or scanners.",
    FeedbackCategory.PRAISE_SUGGESTION: "Praise or suggestion: what works well, ideas for"
    " promotions, products or the store.",
    FeedbackCategory.OTHER: "Anything else.",
}
"""One-line definitions (the LLM classifier's prompt and the docs say the same)."""

CATEGORY_LABELS: dict[FeedbackCategory, tuple[str, str]] = {
    FeedbackCategory.STOCK_AVAILABILITY: ("stock availability", "库存"),
    FeedbackCategory.PRICE_RULE_CONFUSION: ("price or rule confusion", "价格或规则疑问"),
    FeedbackCategory.CUSTOMER_OBJECTION: ("customer objection", "顾客异议"),
    FeedbackCategory.CONVERSION_INSIGHT: ("conversion insight", "转化观察"),
    FeedbackCategory.TALK_TRACK_RECEPTION: ("talk-track reception", "话术反应"),
    FeedbackCategory.FOOT_TRAFFIC: ("foot traffic", "客流"),
    FeedbackCategory.COMPETITOR_ACTIVITY: ("competitor activity", "竞品动态"),
    FeedbackCategory.DISPLAY_TILL_SYSTEM: (
        "display, till or system problem",
        "陈列、收银或系统问题",
    ),
    FeedbackCategory.PRAISE_SUGGESTION: ("praise or suggestion", "表扬或建议"),
    FeedbackCategory.OTHER: ("other", "其他"),
}
"""Spoken names of each category: (English, Chinese)."""
