"""What a promotion's facts allow a quiz answer to say: numbers, key words, names to ignore.

Helpers of :mod:`knowledge_base.quiz` (generation) and :mod:`knowledge_base.quiz_scoring`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from knowledge_base import catalogue_lookup
from knowledge_base.claim_extraction import extract_claims
from knowledge_base.claims import ClaimKind
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Currency, Promotion
from knowledge_base.phrasing import rule_phrases


def allowed_numbers(
    promotion: Promotion, knowledge: KnowledgeBase, currency: Currency
) -> tuple[frozenset[Decimal], frozenset[Decimal]]:
    """Numbers of the version (percentages apart) plus the numbers in product codes.

    Returns:
        The percentages, then every other number, a right answer may mention.
    """
    percents: set[Decimal] = set()
    numbers: set[Decimal] = set()
    texts = rule_phrases(promotion, currency, False) + [
        f"{promotion.window.start:%Y-%m-%d} {promotion.window.last_day:%Y-%m-%d}"
    ]
    if promotion.talk_track is not None:
        texts += [promotion.talk_track.en, promotion.talk_track.zh_cn or ""]
    for claim in (c for text in texts for c in extract_claims(text)):
        if claim.kind is ClaimKind.PERCENT and claim.amount is not None:
            percents.add(claim.amount)
        elif claim.amount is not None:
            numbers.add(claim.amount)
        elif claim.kind is ClaimKind.DATE and claim.day and claim.month:
            numbers.update({Decimal(claim.day), Decimal(claim.month)})
            if claim.year:
                numbers.add(Decimal(claim.year))
    for sku in knowledge.products:
        numbers.update(Decimal(part) for part in sku.replace("-", " ").split() if part.isdigit())
    return frozenset(percents), frozenset(numbers)


_STOPWORDS = frozenset(
    "this that with your from have will they them their there what when which about also "
    "only each more most other than then into over percent instead another every".split()
)


def keywords(promotion: Promotion, knowledge: KnowledgeBase, zh: bool) -> list[str]:
    """Words that show the answer is about the right items.

    Names and aliases of the categories and products in scope, their single words, and the
    content words of the talk track (CJK: its two-character words), the title left out.
    """
    names: list[str] = []
    for category_id in promotion.scope.categories:
        if (category := knowledge.categories.get(category_id)) is not None:
            names += [category.name.en, category.name.zh_cn or "", *category.aliases]
    for sku in promotion.scope.skus:
        if (product := knowledge.products.get(sku)) is not None:
            names += [product.name.en, product.name.zh_cn or "", *product.aliases]
    track = promotion.talk_track.best("zh-CN" if zh else "en") if promotion.talk_track else ""
    title_text = f"{promotion.title.en} {promotion.title.zh_cn or ''}".lower()
    words = [name.lower() for name in names if name]
    for text in (*names, track):
        words += [
            w
            for w in re.findall(r"[a-z]{4,}", text.lower())
            if w not in _STOPWORDS and w not in title_text
        ]
        for run in re.findall(r"[\u3400-\u9fff]{2,}", text):
            words += [
                run[i : i + 2] for i in range(len(run) - 1) if run[i : i + 2] not in title_text
            ]
    return list(dict.fromkeys(words))


# Chinese words written with 一 that are not the number one ("一起用" is "used together").
_NOT_ONE_ZH = ("一起", "一样", "一下", "一定", "一直", "统一", "一些", "一点")


def without_names(text: str, knowledge: KnowledgeBase, promotion: Promotion | None) -> str:
    """``text`` without promotion names, whose numbers and weekdays are no claims.

    ("Black Friday" is not a day, "Double 12" / "双十二" not a twelve.) Removes the names of
    ``promotion`` and of every promotion the matcher finds in the text.
    """
    named = [
        *catalogue_lookup.find_promotions(knowledge, text),
        *([promotion] if promotion else []),
    ]
    for item in named:
        names = [item.title.en, item.title.zh_cn or "", *item.aliases]
        for name in sorted(filter(None, names), key=len, reverse=True):
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    for word in _NOT_ONE_ZH:
        text = text.replace(word, " ")
    return text
