"""What a spoken question asks: its kind, the entities in it, quantities and membership.

Rules, not a model: a question is short, the vocabulary of the shop floor is small, and the
rules are fast (well under a millisecond) and explainable. Keyword lists cover the words
clerks use and the ways speech recognition writes them; entities come from
:class:`~knowledge_base.matching.CatalogueMatcher`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from knowledge_base.matching import Mention, has_cjk, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


class Intent(StrEnum):
    """The kind of question."""

    TARGETS = "targets"
    STAFFING = "staffing"
    CONTACT = "contact"
    CHANGES = "changes"
    FAQ = "faq"
    """What to say to a customer (FAQ answer or talk track)."""
    DATES = "dates"
    PRICE = "price"
    DISCOUNT = "discount"
    IN_OFFER = "in_offer"
    OVERVIEW = "overview"
    UNKNOWN = "unknown"


# English keys are matched against " word word ... " (normalised tokens, spaces around).
_EN: dict[Intent, tuple[str, ...]] = {
    # "target" without a leading space: Whisper writes "sell-through target" as "self-retarget".
    Intent.TARGETS: ("target", " kpi", " quota", " goal", " sell through", " sellthrough"),
    Intent.STAFFING: (
        " staffing",
        " staff plan",
        " extra staff",
        " staff on ",
        " how many staff",
        " rota ",
        " shift",
        " execution ",
        " execute ",
        " manpower ",
        " manager notes ",
        " people on the floor ",
        " how many people ",
    ),
    Intent.CONTACT: (
        " contact",
        " extension ",
        " phone number ",
        " responsible ",
        " in charge ",
        " who do i call ",
        " who should i call ",
        " who can i call ",
        " who to call ",
        " who do i ask ",
        " who should i ask ",
        " who can i ask ",
        " who to ask ",
        " who do i talk to ",
        " who handles ",
        " who runs ",
        " call about ",
    ),
    Intent.CHANGES: (
        " changed ",
        " change ",
        " changes ",
        " whats new ",
        " what s new ",
        " what is new ",
        " whats different ",
        " what is different ",
        " updated ",
        " update ",
        " version ",
        " revised ",
    ),
    Intent.FAQ: (
        " what do i say ",
        " what should i say ",
        " what do i tell ",
        " what should i tell ",
        " how do i explain ",
        " how should i explain ",
        " how do i answer ",
        " how do i respond ",
        " customer asks ",
        " customer wants to know ",
        " customer asked ",
        " pitch ",
        " talk track ",
        " script ",
        " wording ",
        " what to say ",
        " what to tell ",
    ),
    Intent.DATES: (
        " end ",
        " ends ",
        " ending ",
        " until ",
        " till ",
        " last day ",
        " finish",
        " expire",
        " expiry ",
        " how long ",
        " start",
        " begin",
        " launch",
        " when is ",
        " when does ",
        " when do ",
        " what date ",
        " which day ",
        " what day ",
        " still on ",
        " still running ",
        " is it over ",
    ),
    Intent.PRICE: (
        " price",
        " cost",
        " pay ",
        " pays ",
        " total ",
        " quote ",
        " how much is ",
        " how much are ",
        " how much does ",
        " how much do ",
        " how much for ",
        " how much would ",
        " how much will ",
        " how much ",
        " charge ",
    ),
    Intent.DISCOUNT: (
        " discount",
        " how much off ",
        " percent",
        " off ",
        " saving",
        " save ",
        " deal ",
        " reduced ",
        " reduction ",
        " cheaper ",
    ),
    Intent.IN_OFFER: (
        " included ",
        " include ",
        " includes ",
        " part of ",
        " count ",
        " counts ",
        " on sale ",
        " eligible ",
        " on offer ",
        " on promotion ",
        " covered ",
        " qualif",
        " any offer",
        " any deal",
        " any promotion",
        " excluded ",
        " exclude",
        " in the ",
    ),
    Intent.OVERVIEW: (
        " tell me about ",
        " what is the ",
        " whats the ",
        " what s the ",
        " explain ",
        " what offers ",
        " what promotions ",
        " which offers ",
        " which promotions ",
        " whats on ",
        " what s on ",
        " what is on ",
        " any offers ",
        " what deals ",
        " how does ",
        " how do ",
    ),
}
_ZH: dict[Intent, tuple[str, ...]] = {
    Intent.TARGETS: ("目标", "指标", "任务"),
    Intent.STAFFING: ("人手", "排班", "员工", "执行", "安排人", "人员"),
    Intent.CONTACT: ("联系", "找谁", "负责人", "分机", "打给谁", "问谁"),
    Intent.CHANGES: ("变化", "改了", "变更", "更新", "有什么不同", "新版本"),
    Intent.FAQ: ("怎么说", "怎么回答", "顾客问", "客人问", "怎么跟顾客", "怎么解释"),
    Intent.DATES: ("结束", "截止", "到什么时候", "到哪天", "持续到", "开始", "什么时候", "哪天"),
    Intent.PRICE: ("多少钱", "价格", "价钱", "会员价", "总共", "一共", "要付", "付多少"),
    Intent.DISCOUNT: ("折扣", "打折", "优惠多少", "几折", "便宜多少", "打几折"),
    Intent.IN_OFFER: (
        "参加",
        "参与",
        "包括",
        "算不算",
        "有没有优惠",
        "有优惠吗",
        "在优惠",
        "能打折吗",
    ),
    Intent.OVERVIEW: ("介绍", "是什么", "有哪些优惠", "什么活动", "哪些活动"),
}
_ORDER = (
    Intent.TARGETS,
    Intent.STAFFING,
    Intent.CONTACT,
    Intent.CHANGES,
    Intent.FAQ,
    Intent.DATES,
    Intent.PRICE,
    Intent.DISCOUNT,
    Intent.IN_OFFER,
    Intent.OVERVIEW,
)
# Topics that only FAQs answer: they send a question to the FAQs even without "what do I say".
FAQ_TOPICS_EN = (" coupon", " voucher", " combine", " combined", " combination", " mix ")
FAQ_TOPICS_ZH = ("优惠券", "代金券", "叠加", "一起用", "混搭", "同时使用")
_START_EN = (" start", " begin", " launch", " from when ", " when is ")
_END_EN = (
    " end ",
    " ends ",
    " ending ",
    " until ",
    " till ",
    " last day ",
    " finish",
    " expire",
    " expiry ",
    " how long ",
    " still on ",
    " still running ",
    " is it over ",
)
_START_ZH = ("开始", "哪天开始")
_END_ZH = ("结束", "截止", "到什么时候", "到哪天", "持续到")
_LIST_EN = (
    " what offers ",
    " what promotions ",
    " which offers ",
    " which promotions ",
    " whats on ",
    " what is on ",
    " any offers ",
    " what deals ",
    " all offers ",
    " all promotions ",
    " offers today ",
    " promotions today ",
    " offers are on ",
    " promotions are on ",
)
_LIST_ZH = ("有哪些优惠", "什么活动", "哪些活动", "有什么优惠")
_MEMBER_EN = (" member", " loyalty ")
_MEMBER_ZH = ("会员",)
_QUANTITY_WORDS = {
    "pair",
    "pairs",
    "of",
    "the",
    "x",
    "units",
    "unit",
    "items",
    "packs",
    "pack",
    "boxes",
}
MAX_QUANTITY = 50


@dataclass(slots=True)
class ParsedQuestion:
    """The parts of a question the answerer works from."""

    text: str
    chinese: bool
    intent: Intent
    words: list[str]
    mentions: list[Mention]
    products: list[str] = field(default_factory=list)
    """SKUs in the order heard."""
    quantities: dict[str, int] = field(default_factory=dict)
    """SKU -> units asked about (1 unless a number was heard before it)."""
    categories: list[str] = field(default_factory=list)
    promotions: list[str] = field(default_factory=list)
    member: bool = False
    asks_start: bool = False
    asks_end: bool = False
    faq_topic: bool = False
    """Mentions something only FAQs answer (coupons, combining, mixing)."""
    asks_list: bool = False
    """Asks which promotions are on ("what offers are on today?")."""

    @property
    def residual(self) -> str:
        """The words that name no entity: what the question says *about* them."""
        named = {i for m in self.mentions for i in range(m.start, m.end)}
        return " ".join(w for i, w in enumerate(self.words) if i not in named)


def understand(
    text: str, knowledge: KnowledgeBase, *, chinese: bool | None = None
) -> ParsedQuestion:
    """Read ``text`` (as transcribed) into a :class:`ParsedQuestion`."""
    is_chinese = has_cjk(text) if chinese is None else chinese or has_cjk(text)
    words = tokens(text)
    joined = " " + " ".join(words).replace(" s ", "s ") + " "
    mentions = knowledge.matcher.mentions(text)

    def has(keys: tuple[str, ...], zh: tuple[str, ...]) -> bool:
        return any(k in joined for k in keys) or any(k in text for k in zh)

    if words and words[-1] == "over":  # "is the autumn sale over"
        joined += "is it over "
    intent = Intent.UNKNOWN
    for candidate in _ORDER:
        if has(_EN[candidate], _ZH[candidate]):
            intent = candidate
            break
    if intent is Intent.PRICE and " how much off " in joined:
        intent = Intent.DISCOUNT
    faq_topic = has(FAQ_TOPICS_EN, FAQ_TOPICS_ZH)
    if intent in (Intent.IN_OFFER, Intent.OVERVIEW, Intent.DISCOUNT, Intent.UNKNOWN) and faq_topic:
        intent = Intent.FAQ

    products = list(dict.fromkeys(m.key for m in mentions if m.kind == "product"))
    categories = list(dict.fromkeys(m.key for m in mentions if m.kind == "category"))
    promotions = list(dict.fromkeys(m.key for m in mentions if m.kind == "promotion"))
    if intent is Intent.UNKNOWN and (products or categories):
        intent = Intent.IN_OFFER
    elif intent is Intent.UNKNOWN and promotions:
        intent = Intent.OVERVIEW

    return ParsedQuestion(
        text=text,
        chinese=is_chinese,
        intent=intent,
        words=words,
        mentions=mentions,
        products=products,
        quantities=_quantities(words, mentions),
        categories=categories,
        promotions=promotions,
        member=has(_MEMBER_EN, _MEMBER_ZH),
        asks_start=has(_START_EN, _START_ZH),
        asks_end=has(_END_EN, _END_ZH),
        faq_topic=faq_topic,
        asks_list=has(_LIST_EN, _LIST_ZH),
    )


_ZH_DIGITS = {
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _quantities(words: list[str], mentions: list[Mention]) -> dict[str, int]:
    """Units per product: a small number heard just before the product ("2 pairs of AX-200")."""
    inside = {i for m in mentions for i in range(m.start, m.end)}
    quantities: dict[str, int] = {}
    previous_end = 0
    for mention in mentions:
        if mention.kind != "product":
            continue
        quantity = 1
        for i in range(mention.start - 1, max(previous_end, mention.start - 4) - 1, -1):
            word = words[i]
            if i in inside:
                break
            if word.isdigit() and 0 < int(word) <= MAX_QUANTITY:
                quantity = int(word)
                break
            if word in _ZH_DIGITS:
                quantity = _ZH_DIGITS[word]
                break
            if word not in _QUANTITY_WORDS and not (len(word) == 1 and word in "双件个"):
                break
        quantities[mention.key] = quantities.get(mention.key, 0) + quantity
        previous_end = mention.end
    return quantities
