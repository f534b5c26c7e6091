"""The taxonomy's precedence between categories, read from cue words.

When several categories apply, a record gets the most actionable one (``docs/feedback.md``):
a till, scanner, label or screen at fault is ``display_till_system`` even when the text is
about a price or a stock count ("the till gives 20 percent on an excluded shoe", "the system
shows six but the shelf is empty"); a competitor's or an online price is
``competitor_activity`` even when customers object to ours; the words of a pitch that
confuse or annoy customers are ``talk_track_reception``; a clerk's own idea ("we should
bundle ...", "建议 ...") is ``praise_suggestion`` even when it is about stock, traffic or
a pitch (the definition: "an idea for promotions, products or the store"); a complaint or
a product fault (torn, leaks, 开胶, 投诉) is ``customer_objection`` even when it names a stock
count, a try-on or a rule (the fault is what someone must act on); a sales-mix fact
("grey outsells navy", "卖得最好的是黑色") is ``conversion_insight``, not stock (the urgency
table's own example); praise of what works ("a hit", "划算") is ``praise_suggestion``
over a reading of what is praised. The statistical model reads words, not this rule, so a text that
names a device, a competitor, a pitch, an idea, a fault, a sales mix or praise is moved to that
category when the model ranks it among its top :data:`TOP_RANKS` but put a weaker reading
first. When no rule applies, a reading whose subject the text does not name
(:mod:`.subjects`: a stock report names stock, a rule confusion a doubt) gives way to the
model's next choice. The cue words are general retail
vocabulary in English and Chinese, not phrases of any labelled set. Some words are left out
on purpose: a poster is as often the source of a confusion as a fault, and "online" may be
the chain's own shop, so neither decides alone; "could we" is a suggestion, "can they" a rule
question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from knowledge_base.feedback.cue_words import PRODUCT_FAULT, Cues, CueText
from knowledge_base.feedback.subjects import names_subject
from knowledge_base.feedback.taxonomy import FeedbackCategory
from knowledge_base.feedback.urgency import OUT_OF_ORDER, SOLD_OUT

TOP_RANKS = 3
"""The cue's category must be at least this high in the model's ranking to win."""


@dataclass(frozen=True, slots=True)
class Precedence:
    """One rule: cue words that make ``category`` win over the ``over`` categories."""

    category: FeedbackCategory
    over: frozenset[FeedbackCategory]
    cues: Cues
    unless: Cues = Cues()
    """Cue words that stop the rule (none by default)."""


DEVICE_FAULT = Precedence(
    category=FeedbackCategory.DISPLAY_TILL_SYSTEM,
    over=frozenset({FeedbackCategory.PRICE_RULE_CONFUSION, FeedbackCategory.STOCK_AVAILABILITY}),
    cues=Cues(
        words=frozenset(
            """till tills pos register registers checkout scanner scanners terminal terminals
            printer printers system systems screen screens tablet tablets barcode barcodes label
            labels sticker stickers reader readers handheld handhelds wifi""".split()
        ),
        bigrams=frozenset(
            {
                ("card", "machine"),
                ("price", "tag"),
                ("price", "tags"),
                ("shelf", "label"),
                ("rings", "up"),
                ("self", "checkout"),
            }
        ),
        chinese=tuple(
            """收银 刷卡机 扫码枪 扫不 系统 价签 标签 吊牌 条码 打印机 终端 屏幕 黑屏
            显示屏 平板 读卡器 pos机""".split()
        ),
    ),
)
COMPETITOR = Precedence(
    category=FeedbackCategory.COMPETITOR_ACTIVITY,
    over=frozenset(
        {
            FeedbackCategory.CUSTOMER_OBJECTION,
            FeedbackCategory.STOCK_AVAILABILITY,
            FeedbackCategory.CONVERSION_INSIGHT,
            FeedbackCategory.FOOT_TRAFFIC,
            FeedbackCategory.PRICE_RULE_CONFUSION,
        }
    ),
    cues=Cues(
        words=frozenset(
            """competitor competitors jd tmall taobao pinduoduo douyin amazon
            zalando shopee lazada decathlon nike adidas anta skechers asics puma""".split()
        ),
        bigrams=frozenset({("across", "the"), ("next", "door"), ("other", "brand")}),
        chinese=tuple(
            """竞品 对手 京东 天猫 淘宝 拼多多 抖音 耐克 阿迪 安踏 李宁 迪卡侬 斯凯奇 隔壁
            对面""".split()
        ),
    ),
)
TALK_TRACK = Precedence(
    category=FeedbackCategory.TALK_TRACK_RECEPTION,
    over=frozenset({FeedbackCategory.PRICE_RULE_CONFUSION, FeedbackCategory.CUSTOMER_OBJECTION}),
    cues=Cues(
        words=frozenset("pitch pitches script scripted scripts opener phrase wording".split()),
        bigrams=frozenset(
            {
                ("talk", "track"),
                ("i", "say"),
                ("we", "say"),
                ("i", "mention"),
                ("we", "mention"),
                ("open", "with"),
                ("lead", "with"),
            }
        ),
        chinese=tuple("话术 开场 说法 这句话 那句话 这句 那句".split()),
    ),
)
SUGGESTION = Precedence(
    category=FeedbackCategory.PRAISE_SUGGESTION,
    over=frozenset(
        {
            FeedbackCategory.STOCK_AVAILABILITY,
            FeedbackCategory.PRICE_RULE_CONFUSION,
            FeedbackCategory.CUSTOMER_OBJECTION,
            FeedbackCategory.CONVERSION_INSIGHT,
            FeedbackCategory.TALK_TRACK_RECEPTION,
            FeedbackCategory.FOOT_TRAFFIC,
        }
    ),
    cues=Cues(
        words=frozenset("suggestion suggestions idea ideas".split()),
        bigrams=frozenset(
            {
                ("i", "suggest"),
                ("would", "suggest"),
                ("suggest", "we"),
                ("we", "should"),
                ("how", "about"),
                ("could", "we"),
                ("why", "not"),
                ("maybe", "put"),
                ("should", "we"),
                ("would", "help"),
                ("be", "nice"),
                ("be", "great"),
            }
        ),
        chinese=tuple(
            "建议 希望 就好了 不如 可以考虑 能不能把 可不可以把 可以把 最好能 要是能 不妨".split()
        ),
    ),
)
COMPLAINT = Precedence(
    category=FeedbackCategory.CUSTOMER_OBJECTION,
    over=frozenset(
        {
            FeedbackCategory.STOCK_AVAILABILITY,
            FeedbackCategory.CONVERSION_INSIGHT,
            FeedbackCategory.PRICE_RULE_CONFUSION,
        }
    ),
    cues=PRODUCT_FAULT
    | Cues(
        words=frozenset(
            """complain complained complains complaint complaints unfair smells stiff slippery
            refund returned returning""".split()
        ),
        chinese=tuple("投诉 抱怨 吐槽 不公平 磨脚 挤脚 退货 质量 太贵 嫌贵".split()),
    ),
)
SALES_MIX = Precedence(
    category=FeedbackCategory.CONVERSION_INSIGHT,
    over=frozenset({FeedbackCategory.STOCK_AVAILABILITY}),
    cues=Cues(
        words=frozenset("outsells outsell outsold outselling bestseller bestsellers".split()),
        bigrams=frozenset(
            {
                ("best", "seller"),
                ("best", "sellers"),
                ("best", "selling"),
                ("top", "seller"),
                ("sells", "best"),
                ("sells", "better"),
                ("sell", "better"),
                ("selling", "better"),
                ("sells", "more"),
                ("of", "sales"),
                ("our", "sales"),
                ("barely", "moves"),
                ("don't", "carry"),
                ("not", "carry"),
            }
        ),
        chinese=tuple("卖得最好 卖得最多 卖得比 卖得更 最畅销 销量最 销量第 卖得好的".split()),
    ),
)
PRAISE = Precedence(
    category=FeedbackCategory.PRAISE_SUGGESTION,
    over=frozenset(
        {
            FeedbackCategory.STOCK_AVAILABILITY,
            FeedbackCategory.PRICE_RULE_CONFUSION,
            FeedbackCategory.CUSTOMER_OBJECTION,
            FeedbackCategory.CONVERSION_INSIGHT,
            FeedbackCategory.DISPLAY_TILL_SYSTEM,
            FeedbackCategory.OTHER,
        }
    ),
    cues=Cues(
        words=frozenset(
            """great brilliant love loves loved hit thank thanks compliment compliments useful
            excellent fantastic""".split()
        ),
        bigrams=frozenset({("works", "well"), ("well", "done"), ("good", "job")}),
        chinese=tuple(
            "好评 点赞 划算 喜欢 效果很好 效果不错 特别好 不错 感谢 谢谢 好用 夸".split()
        ),
    ),
    unless=PRODUCT_FAULT
    | OUT_OF_ORDER
    | SOLD_OUT
    | Cues(
        words=frozenset("again wrong complain complained complaint annoyed angry".split()),
        chinese=tuple("又 错 投诉 生气".split()),
    ),
)
"""Praise of something that works (an offer, a fixture, a delivery: "a hit", "划算", "好用")
is ``praise_suggestion`` over a reading of its subject; tried last, so a device at fault, a
competitor, a pitch or a product fault the text names decides first, and never when the text
names a problem ("great, sold out again", "thanks a lot, the till crashed": sarcasm)."""
RULES: tuple[Precedence, ...] = (
    DEVICE_FAULT,
    COMPETITOR,
    TALK_TRACK,
    SUGGESTION,
    COMPLAINT,
    SALES_MIX,
    PRAISE,
)
"""Tried in this order; the first that applies decides."""


def apply_precedence(
    text: str, chosen: FeedbackCategory, probabilities: Mapping[FeedbackCategory, float]
) -> FeedbackCategory:
    """The category after the taxonomy's precedence (``chosen`` when no rule applies).

    When no rule applies, a ``chosen`` category whose subject the text does not name
    (:func:`~knowledge_base.feedback.subjects.names_subject`) gives way to the model's next
    choice.
    """
    ranked = sorted(probabilities, key=lambda label: -probabilities[label])
    read = CueText.of(text)
    for rule in RULES:
        if chosen not in rule.over or rule.category not in ranked[:TOP_RANKS]:
            continue
        if rule.cues.found(read) and not rule.unless.found(read):
            return rule.category
    if names_subject(read, chosen):
        return chosen
    return next(label for label in ranked if label is not chosen)
