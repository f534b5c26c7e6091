"""Consequences the taxonomy calls urgent outright, read from cue words.

``docs/feedback.md``: urgency is ``high`` when a report blocks sales or upsets customers
right now, such as the till rejecting a discount or a card terminal being down. The
statistical model learns urgency from words and often reads such a report as ``normal``
(it is phrased like any other device fault), so a ``display_till_system`` report about the
point of sale (till, POS, register, checkout, card terminal; 收银, 结账, 刷卡机) that names
money taken wrongly (a discount, a price, a member rate; 折, 减, 价, 会员) or the device being
down (down, broken, offline; 坏, 死机, 离线) is ``high``. A wrong shelf label or a
blank screen is not at the till: the model decides those.
"""

from __future__ import annotations

from knowledge_base.feedback.cue_words import Cues, CueText
from knowledge_base.feedback.taxonomy import FeedbackCategory, Urgency

POINT_OF_SALE = Cues(
    words=frozenset(
        """till tills pos register registers checkout checkouts cashier terminal terminals
        payment payments""".split()
    ),
    bigrams=frozenset({("card", "machine"), ("card", "reader"), ("rings", "up")}),
    chinese=tuple("收银 结账 刷卡机 pos机 读卡器 支付".split()),
)
MONEY_TAKEN = Cues(
    words=frozenset(
        """discount discounts percent off price prices charge charges charged charging member
        members coupon coupons voucher vouchers free""".split()
    ),
    chinese=tuple("折 减 免单 原价 会员 优惠 券 价".split()),
)
OUT_OF_ORDER = Cues(
    words=frozenset("down broken offline crashed crashes frozen declining declines dead".split()),
    chinese=tuple("坏 故障 死机 离线 宕机 卡死 用不了".split()),
)


def apply_consequences(text: str, category: FeedbackCategory, urgency: Urgency) -> Urgency:
    """``high`` for a till that takes money wrongly or is down; else ``urgency``."""
    if category is not FeedbackCategory.DISPLAY_TILL_SYSTEM or urgency is Urgency.HIGH:
        return urgency
    read = CueText.of(text)
    if POINT_OF_SALE.found(read) and (MONEY_TAKEN.found(read) or OUT_OF_ORDER.found(read)):
        return Urgency.HIGH
    return urgency
