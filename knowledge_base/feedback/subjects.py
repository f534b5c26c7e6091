"""What a report of some categories always names: its subject, read from cue words.

The statistical model reads words, and a category with many training texts about sizes,
colours and counts (``stock_availability``) or about offers and prices
(``price_rule_confusion``) draws in texts that share those words but report something else: a
sales mix ("grey outsells navy"), a quiet street, a rival's price, a complaint about a
member-only rate. The taxonomy's definitions say what such a report is about (stock: sold out,
missing sizes, deliveries, too much stock; rule confusion: someone unsure how a promotion
works, what it covers or costs), so a text that names none of it is not one, and the model's
next choice is taken instead (:func:`~knowledge_base.feedback.precedence.apply_precedence`).
The cue words are broad on purpose (any size, count, question or doubt keeps the reading):
the check only removes readings with nothing of their subject in them. They are general
retail vocabulary in English and Chinese, not phrases of any labelled set.
"""

from __future__ import annotations

from knowledge_base.feedback.cue_words import Cues, CueText
from knowledge_base.feedback.taxonomy import FeedbackCategory

STOCK_SUBJECT = Cues(
    words=frozenset(
        """stock stocks restock restocked restocking overstock overstocked topped sold sell
        selling out left none zero gone missing delivery deliveries delivered shipment shipments
        arrived arrive arrives arriving transfer transfers warehouse size sizes xs xl xxl empty
        carton cartons boxes supply supplier inventory reorder allocation pair pairs shelf shelves
        last only more stockroom storeroom replenishment replenish refill backorder backorders
        bare truck pile nothing""".split()
    ),
    bigrams=frozenset({("don't", "have"), ("run", "out"), ("ran", "out"), ("no", "more")}),
    chinese=tuple(
        """卖完 卖光 卖断 断货 断码 缺货 没货 缺码 到货 补货 库存 仓 调货 发货 送货 配送 物流 压
        货 码 没了 没有了 售罄 剩 不够 空 摆满 盘点 进货 订货""".split()
    ),
)
"""What a stock report names (the definition: sold out, missing sizes, deliveries, too much
stock): a text that names none of it (a sales mix, a quiet street, a rival's price) is not a
``stock_availability`` report, whatever words it shares with one."""
RULE_QUESTION = Cues(
    words=frozenset(
        """does do did is are can could what if which how whether unsure unclear confused
        confusing confuse understand sure know explain explained rule rules stack stacks
        stacking combine combined count counts apply applies eligible excluded think thinks
        thought assume assumed mean means meant ask asks asked question questions""".split()
    ),
    chinese=tuple(
        """? ？ 吗 么 是不是 能不能 可不可 算不算 含不含 包不包 有没有 是否 还是 到底 哪 多少 怎么
        搞不清 不清楚 不懂 不知道 不确定 糊涂 弄不明白 叠加 规则 包括 包含 参加 适用 以为 要不要
        几折 问 理解 意思""".split()
    ),
)
"""What a rule question names (the definition: customers or staff unsure how a promotion
works, what it covers or what it costs): a question, or doubt, or the rule's own words."""
SUBJECTS: dict[FeedbackCategory, Cues] = {
    FeedbackCategory.STOCK_AVAILABILITY: STOCK_SUBJECT,
    FeedbackCategory.PRICE_RULE_CONFUSION: RULE_QUESTION,
}
"""Categories whose reports always name their subject, and the cue words that name it."""


def names_subject(text: CueText, category: FeedbackCategory) -> bool:
    """Whether ``text`` names what a ``category`` report is about (always, for the others)."""
    subject = SUBJECTS.get(category)
    return subject is None or subject.found(text)
