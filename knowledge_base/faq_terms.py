"""What the words of a question and of an FAQ say: its topic, a why, online, a channel.

The tests :class:`~knowledge_base.answer_faqs.FaqAnswers` uses to pick the FAQ a question
asks, kept apart from the picking itself.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from knowledge_base.answer_channels import channels_named, names_channel
from knowledge_base.catalogue_lookup import catalogue_matcher
from knowledge_base.channels import Channel
from knowledge_base.cues import cue_words
from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.models import Faq, Promotion
from knowledge_base.question_forms import asks_yes_no
from knowledge_base.retrieval import search_terms
from knowledge_base.understanding import ParsedQuestion
from knowledge_base.words import tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


@lru_cache(maxsize=1)
def everyday_terms() -> frozenset[str]:
    """Search terms of everyday words ("use", "get"): they say no topic."""
    return frozenset(search_terms(" ".join(GENERIC_WORDS)))


def name_terms(promotion: Promotion) -> set[str]:
    """Search terms of a promotion's title and aliases, in both languages."""
    names = [promotion.title.en, promotion.title.zh_cn or "", *promotion.aliases]
    return {term for name in names for term in search_terms(name)}


def without_promotions(parsed: ParsedQuestion) -> str:
    """The question's words without the promotion names heard."""
    named = {i for m in parsed.mentions if m.kind == "promotion" for i in range(m.start, m.end)}
    return " ".join(w for i, w in enumerate(parsed.words) if i not in named)


def asks_why(text: str) -> bool:
    """A question asking for a reason ("Why is Bergen not in it?", "how come", "为什么")."""
    folded = " " + " ".join(tokens(text)) + " "
    return " why " in folded or " how come " in folded or "为什么" in text or "为啥" in text


_ONLINE = frozenset({"online", "website", "web", "internet", "webshop", "e-shop", "eshop"})
"""Words saying a sale online rather than in a store."""
_ONLINE_ZH = ("网上", "线上", "网店", "官网", "网购")


def says_online(text: str) -> bool:
    """Whether ``text`` speaks of buying online ("online orders", "the website", "网上")."""
    return bool(_ONLINE & set(tokens(text))) or any(word in text for word in _ONLINE_ZH)


def faq_text(faq: Faq) -> str:
    """An FAQ's question and answer, in English and Chinese, as one text."""
    return " ".join(
        [faq.question.best("en"), faq.answer.best("en"), faq.question.best("zh-CN")]
        + [faq.answer.best("zh-CN")]
    )


def subject(parsed: ParsedQuestion, name_words: frozenset[str]) -> set[str]:
    """The search term of what a yes/no question is about, if no name holds its word.

    "is the setup free?" -> setup; "are tea towels ...?" and "does salt ...?" -> nothing.
    """
    words = parsed.words
    if not asks_yes_no(words):
        return set()
    named = {i for m in parsed.mentions for i in range(m.start, m.end)}
    rest = [i for i in (1, 2) if i < len(words) and words[i] not in ("the", "a", "an")]
    if not rest or rest[0] in named or words[rest[0]] in name_words:
        return set()
    return set(search_terms(words[rest[0]]))


def store_terms(parsed: ParsedQuestion) -> set[str]:
    """Search terms of the store and city names the question says."""
    return {t for m in parsed.mentions if m.kind == "store" for t in search_terms(m.heard)}


def channels_of(faq: Faq) -> set[Channel | str]:
    """The discount channels (coupons, vouchers, ...) an FAQ's question or answer names."""
    text = " ".join([faq.question.best("en"), faq.answer.best("en"), faq.question.best("zh-CN")])
    return channels_named(tokens(text), text)


_LONG_FUNCTION_WORDS = frozenset(
    """about above across after again against along among around because before behind below
    beside besides between beyond during except inside instead outside since through toward
    towards under until unless within without while still already always never often other
    others every another either neither whether really maybe perhaps""".split()
)
"""Longer words that name no topic ("towards", "without")."""


def unnamed_terms(
    parsed: ParsedQuestion, name_words: frozenset[str], promotion: Promotion
) -> set[str]:
    """Search terms of the question's own topic words ("cartridges", "receipts").

    Terms of four letters or more of a yes-or-no question, in English, from no word of a
    name, a cue ("included") or a function ("towards"), and of no everyday use: one that
    only a single passage holds is what the question is about.
    """
    if not asks_yes_no(parsed.words) or names_channel(parsed.words, parsed.text):
        return set()  # a discount channel named is answered from the offer's channels
    # The offer's own channels ("student discount") are answered from its channels too.
    own_channels = [n for c in promotion.channels.other for n in (c.name.en, *c.aliases)]
    skipped = name_words | cue_words() | _LONG_FUNCTION_WORDS | set(tokens(" ".join(own_channels)))
    said = set(search_terms(" ".join(parsed.words)))  # "sign up" is read as "join" here
    left_out = set(search_terms(" ".join(w for w in parsed.words if w in skipped)))
    terms = {t for t in said - left_out if len(t) >= 4 and t.isascii()}
    return terms - everyday_terms()


def about_other_item(faq: Faq, parsed: ParsedQuestion, knowledge: KnowledgeBase) -> bool:
    """The FAQ asks about an item or category other than the product asked.

    "Do coffee beans count towards the spend?" says nothing of the hand grinder.
    """
    if not parsed.products:
        return False
    asked = {knowledge.products[sku].category for sku in parsed.products} | set(parsed.products)
    question = faq.question.best("en")
    said = catalogue_matcher(knowledge).mentions(question)
    keys = {m.key for m in said if m.kind in ("product", "category")}
    if keys:
        return not keys & asked
    # A category's word said alone ("does fabric count?") that names nothing asked either.
    heard = set(search_terms(" ".join(m.heard for m in said)))
    category_terms = {
        t for c in knowledge.categories.values() for t in search_terms(c.name.best("en"))
    }
    own = [knowledge.products[sku] for sku in parsed.products]
    names = [n for p in own for n in (p.name.best("en"), *p.aliases)]
    names += [knowledge.categories[p.category].name.best("en") for p in own]
    known = set(search_terms(" ".join([*names, *parsed.words])))
    return bool((set(search_terms(question)) - heard - known) & category_terms)


def about_rule_set_off(faq: Faq, promotion: Promotion, now: datetime, words: list[str]) -> bool:
    """Whether ``faq`` asks about a named rule set of ``promotion`` not in force at ``now``.

    "Do members get more than 25 percent on the Lens Weekend?" answers for those two days;
    asked on another day without naming them, the item's own rules answer (members do get
    more then). A reason ("Why is the X not in the Lens Weekend?") holds on any day.
    ``now``: the store's local moment asked about; ``words``: the question's.
    """
    if asks_why(faq.question.en):
        return False
    asked, said = f" {' '.join(tokens(faq.question.en))} ", f" {' '.join(words)} "
    local = now.replace(tzinfo=None)
    for rule_set in promotion.rule_sets:
        names = [rule_set.name.en] if rule_set.name is not None else []
        spoken = [f" {' '.join(tokens(n))} " for n in [*names, *rule_set.aliases]]
        if not any(n in asked for n in spoken) or any(n in said for n in spoken):
            continue
        if (rule_set.start is not None and local < rule_set.start) or (
            rule_set.end is not None and local >= rule_set.end
        ):
            return True
    return False
