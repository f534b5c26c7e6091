"""The urgency convention of ``docs/feedback.md``, per category, read from the model and cues.

The convention says which urgencies a category can have at all (a rule question is always
``normal``, praise always ``low``, a till problem never ``low``) and names some consequences
outright. The statistical model learns urgency from words, across categories, so its reading
is kept only within what the category allows (the most probable allowed urgency wins), and
the consequences the convention names decide where cue words show them:

- a ``display_till_system`` report about the point of sale (till, POS, register, checkout,
  card terminal; 收银, 结账, 刷卡机) that names money taken wrongly (a discount, a price, a
  member rate; 折, 减, 价, 会员) or the device being down (down, broken, offline; 坏, 死机,
  离线) is ``high``; a wrong shelf label or a black screen is not at the till;
- ``stock_availability`` is ``high`` when a sell-out (sold out, gone, 卖完, 断码) is named
  with demand (again, customers asking, during an offer; 又, 问, 活动), ``low`` when stock
  is back or fine (restocked, back in, 到货了) and there is no sell-out, and never ``high``
  without a sell-out;
- ``foot_traffic`` is ``high`` only when nobody can come in (closed, power cut, entrance
  blocked; 停电, 关门, 进不来), else ``normal`` whatever the count;
- ``talk_track_reception`` is ``low`` when the pitch works (positive sentiment), else
  ``normal``;
- ``competitor_activity`` is ``low`` when their offer has ended (ended, over, 结束, 撤了);
  ``high`` when they undercut us now: a lower price or a discount (cheaper, half, off; 便宜,
  折, 半价) named with today, now, this weekend or a request to match (今天, 现在, 跟价);
  else never ``high``;
- a ``customer_objection`` is ``high`` when the same fault comes back (a defect named with
  "again", "third", returns, a batch; 又, 第三, 退货, 这批), else ``normal``.

The cue words are general retail vocabulary in English and Chinese, not phrases of any
labelled set.
"""

from __future__ import annotations

from collections.abc import Mapping

from knowledge_base.feedback.cue_words import PRODUCT_FAULT, Cues, CueText
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency

_ALL = frozenset(Urgency)
ALLOWED: dict[FeedbackCategory, frozenset[Urgency]] = {
    FeedbackCategory.STOCK_AVAILABILITY: _ALL,
    FeedbackCategory.PRICE_RULE_CONFUSION: frozenset({Urgency.NORMAL}),
    FeedbackCategory.CUSTOMER_OBJECTION: frozenset({Urgency.HIGH, Urgency.NORMAL}),
    FeedbackCategory.CONVERSION_INSIGHT: frozenset({Urgency.NORMAL, Urgency.LOW}),
    FeedbackCategory.TALK_TRACK_RECEPTION: frozenset({Urgency.NORMAL, Urgency.LOW}),
    FeedbackCategory.FOOT_TRAFFIC: frozenset({Urgency.HIGH, Urgency.NORMAL}),
    FeedbackCategory.COMPETITOR_ACTIVITY: _ALL,
    FeedbackCategory.DISPLAY_TILL_SYSTEM: frozenset({Urgency.HIGH, Urgency.NORMAL}),
    FeedbackCategory.PRAISE_SUGGESTION: frozenset({Urgency.LOW}),
    FeedbackCategory.OTHER: frozenset({Urgency.NORMAL, Urgency.LOW}),
}
"""The urgencies each category can have (``docs/feedback.md``, the urgency convention)."""
CONVENTION: dict[FeedbackCategory, str] = {
    FeedbackCategory.STOCK_AVAILABILITY: "high when sold out while customers ask for it (during"
    " an offer, again and again); low when a restock arrived or stock is fine; else normal",
    FeedbackCategory.PRICE_RULE_CONFUSION: "always normal",
    FeedbackCategory.CUSTOMER_OBJECTION: "high when the same product fault comes back (returns,"
    " a batch); else normal",
    FeedbackCategory.CONVERSION_INSIGHT: "low for a sales-mix fact that needs no action; else"
    " normal",
    FeedbackCategory.TALK_TRACK_RECEPTION: "low when the pitch works; else normal",
    FeedbackCategory.FOOT_TRAFFIC: "high only when nobody can come in (closed, power cut); else"
    " normal",
    FeedbackCategory.COMPETITOR_ACTIVITY: "high when a competitor undercuts us today; low when"
    " their promotion ended; else normal",
    FeedbackCategory.DISPLAY_TILL_SYSTEM: "high when the till, POS, card terminal or payment is"
    " down or charges the wrong amount; else normal",
    FeedbackCategory.PRAISE_SUGGESTION: "always low",
    FeedbackCategory.OTHER: "normal for a staff or facility matter someone must act on; low for"
    " tests, mistakes, questions that are not feedback",
}
"""The convention in one line per category (the LLM classifier's prompt; the docs' table)."""
_TIES = (Urgency.NORMAL, Urgency.LOW, Urgency.HIGH)
"""Equal probabilities go to the first of these."""

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
NOBODY_CAN_COME_IN = Cues(
    words=frozenset("closed shut evacuated evacuation blackout".split()),
    bigrams=frozenset(
        {
            ("power", "cut"),
            ("power", "outage"),
            ("power", "is"),
            ("no", "power"),
            ("can't", "get"),
            ("cannot", "get"),
            ("entrance", "blocked"),
            ("fire", "alarm"),
        }
    ),
    chinese=tuple("停电 关门 封闭 进不来 封了 疏散 火警".split()),
)
FAULT_AGAIN = Cues(
    words=frozenset(
        """again third fourth fifth several batch returns returned returning keeps
        another""".split()
    ),
    chinese=tuple("又 第三 第四 第五 好几 这批 退货 退回 批次".split()),
)
UNDERCUT = Cues(
    words=frozenset(
        "cheaper lower less undercut undercuts undercutting beat beats half off".split()
    ),
    bigrams=frozenset({("price", "match"), ("match", "it"), ("match", "them")}),
    chinese=tuple("便宜 更低 低于 一半 半价 折 直降 秒杀 跟价 减".split()),
)
RUNNING_NOW = Cues(
    words=frozenset("today tonight now currently started starting match".split()),
    bigrams=frozenset({("this", "weekend"), ("this", "week")}),
    chinese=tuple("今天 现在 正在 这周末 这个周末 本周 开始 跟价 一样".split()),
)
OFFER_ENDED = Cues(
    words=frozenset("ended ends stopped finished expired".split()),
    bigrams=frozenset({("packed", "up"), ("is", "over"), ("was", "over"), ("took", "down")}),
    chinese=tuple("结束 撤了 停了 下架 过期".split()),
)
SOLD_OUT = Cues(
    words=frozenset("gone zero none".split()),
    bigrams=frozenset(
        {
            ("sold", "out"),
            ("out", "of"),
            ("run", "out"),
            ("ran", "out"),
            ("no", "more"),
            ("none", "left"),
            ("nothing", "left"),
        }
    ),
    chinese=tuple("卖完 卖光 卖断 断货 断码 没货 缺货 没了 售罄 一双都没".split()),
)
IN_DEMAND = Cues(
    words=frozenset(
        """again asking asked ask keep keeps offer promo promotion weekend deal walked turned
        leaving lost""".split()
    ),
    chinese=tuple("又 问 活动 优惠 走了 流失 一直".split()),
)
STOCK_FINE = Cues(
    words=frozenset("restocked replenished plenty fine".split()),
    bigrams=frozenset({("back", "in"), ("topped", "up"), ("came", "in"), ("arrived", "today")}),
    chinese=tuple("到货了 补齐 补上了 充足 够卖 到了".split()),
)
DEFECT = PRODUCT_FAULT | Cues(chinese=("坏", "裂", "断了"))
"""A product fault (the shared cues, and "broken" in Chinese)."""


def decide_urgency(
    text: str,
    category: FeedbackCategory,
    sentiment: Sentiment,
    probabilities: Mapping[Urgency, float],
) -> Urgency:
    """The urgency of ``text`` under the convention, given the model's ``probabilities``."""
    allowed = [u for u in _TIES if u in ALLOWED[category]]
    model = max(allowed, key=lambda u: probabilities.get(u, 0.0))
    if len(allowed) == 1:
        return model
    read = CueText.of(text)
    if category is FeedbackCategory.DISPLAY_TILL_SYSTEM:
        at_till = POINT_OF_SALE.found(read)
        if at_till and (MONEY_TAKEN.found(read) or OUT_OF_ORDER.found(read)):
            return Urgency.HIGH
        return model
    if category is FeedbackCategory.FOOT_TRAFFIC:
        return Urgency.HIGH if NOBODY_CAN_COME_IN.found(read) else Urgency.NORMAL
    if category is FeedbackCategory.TALK_TRACK_RECEPTION:
        return Urgency.LOW if sentiment is Sentiment.POSITIVE else Urgency.NORMAL
    if category is FeedbackCategory.STOCK_AVAILABILITY:
        if SOLD_OUT.found(read):
            return Urgency.HIGH if IN_DEMAND.found(read) else model
        if STOCK_FINE.found(read):
            return Urgency.LOW
        return Urgency.NORMAL if model is Urgency.HIGH else model
    if category is FeedbackCategory.COMPETITOR_ACTIVITY:
        if OFFER_ENDED.found(read):
            return Urgency.LOW
        if UNDERCUT.found(read) and RUNNING_NOW.found(read):
            return Urgency.HIGH
        return Urgency.NORMAL if model is Urgency.HIGH else model
    if category is FeedbackCategory.CUSTOMER_OBJECTION:
        repeated = DEFECT.found(read) and FAULT_AGAIN.found(read)
        return Urgency.HIGH if repeated else Urgency.NORMAL
    return model
