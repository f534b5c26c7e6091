"""Rate check: a percentage an answer gives an item must be one the pricing engine applies.

The fact guard (:mod:`knowledge_base.fact_guard`) checks that each number comes from the
facts; a promotion's "20 percent" is a fact, so it cannot see "comics are 20 percent off"
when the promotion gives comics 30 percent, and only on one day (a rule set with its own
dates). This check reads each sentence of an answer for the products and categories it
names and the percentages it states, and asks the knowledge base which rates those items
get:

- a sentence that says it speaks of the present ("today", "right now") must give rates of
  the rule sets that price one of its items then (:func:`~knowledge_base.resolution.resolve`);
- any other sentence may speak of any time (a day named in it, in the sentence before, or
  in the question): its rates must be those of some rule set covering one of its items.

A rate is a rule's ``percent``, ``member_percent``, a member's extra percent, or the
percent off of a buy-x-get-y. Sentences naming no item are not checked (the fact guard
still is). No I/O; used by the answers benchmark next to the fact guard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from knowledge_base import catalogue_lookup, resolution
from knowledge_base.answering import split_sentences
from knowledge_base.claim_extraction import extract_claims
from knowledge_base.claims import ClaimKind
from knowledge_base.words import tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.models import Rule

_DAY_KINDS = frozenset({ClaimKind.DATE, ClaimKind.WEEKDAY, ClaimKind.ORDINAL, ClaimKind.MONTH})
_LIMIT = re.compile(r"\blimit \d+ [^,.;]*? per (?:customer|member)", re.IGNORECASE)
_EXCEPT = frozenset({"except", "excluding", "excludes"})
_EARLIER_VERSION = re.compile(r"before version \d+ of ")
_NOW = re.compile(r"\b(?:today|right now|at the moment|currently)\b|今天|现在|目前", re.IGNORECASE)


def rates_of(rules: Sequence[Rule]) -> set[Decimal]:
    """Every percentage a list of rules gives (off, members' off, members' extra)."""
    found: set[Decimal] = set()
    for rule in rules:
        for field in ("percent", "member_percent", "percent_off"):
            value = getattr(rule, field, None)
            if value is not None:
                found.add(Decimal(value))
    return found


def misquoted_rates(text: str, knowledge: KnowledgeBase, store_id: str, at: datetime) -> list[str]:
    """Percentages ``text`` gives an item that the knowledge base does not give it.

    Each as ``20 percent in '<the sentence>'`` (the claim as written, and where).
    """
    wrong: list[str] = []
    for sentence in split_sentences(text):
        claims = extract_claims(sentence)
        percents = [c for c in claims if c.kind is ClaimKind.PERCENT and c.amount is not None]
        if not percents:
            continue
        items = _items(knowledge, sentence)
        if not items:
            continue
        now = _NOW.search(sentence) is not None and not any(c.kind in _DAY_KINDS for c in claims)
        allowed = _rates(knowledge, items, store_id, at, any_day=not now)
        titles = _titles_in(knowledge, sentence)
        said_of = sentence.strip()
        wrong += [
            f"{c.text} in {said_of!r}"
            for c in percents
            if c.amount not in allowed and _is_a_discount(c.text, sentence, titles)
        ]
    return wrong


def _is_a_discount(claim: str, sentence: str, titles: list[str]) -> bool:
    """A rate said as a discount ("20 percent off", "save another 5 percent", "half price").

    Not a figure of something else ("sales up 12 percent"), part of an offer's name ("the
    Second Pair Half Price"), nor the rate a change replaced ("now free instead of half
    price", "Before version 2 of the X, it was 15 percent off": a change note tells the
    earlier version's rate).
    """
    lowered, said = sentence.lower(), claim.lower()
    if any(said in title for title in titles) or _EARLIER_VERSION.match(lowered):
        return False
    at = lowered.find(said)
    after = lowered[at + len(said) :].lstrip()
    before = lowered[:at].rstrip()
    if before.endswith("instead of"):
        return False
    return (
        "half" in said
        or after.startswith(("off", "discount"))
        or before.endswith(("save", "saves", "another", "extra", "get", "gets"))
    )


def _titles_in(knowledge: KnowledgeBase, sentence: str) -> list[str]:
    """Lowercase titles of the promotions a sentence names."""
    found = []
    for mention in catalogue_lookup.catalogue_matcher(knowledge).mentions(sentence):
        if mention.kind == "promotion":
            title = knowledge.promotions[mention.key].title
            found += [t.lower() for t in (title.en, title.zh_cn) if t]
    return found


def _items(knowledge: KnowledgeBase, sentence: str) -> list[str]:
    """SKUs of the products and categories a sentence names.

    Not the words of an offer's name ("Piano Season"), the unit of its limit ("limit 5
    books per customer") nor what follows "except": those say which offer, how many and what
    is left out, not what is discounted.
    """
    skus: list[str] = []
    text = _LIMIT.sub("", sentence)
    mentions = catalogue_lookup.catalogue_matcher(knowledge).mentions(text)
    in_titles = {i for m in mentions if m.kind == "promotion" for i in range(m.start, m.end)}
    left_out = _after_except(text)
    for mention in mentions:
        if in_titles & set(range(mention.start, mention.end)) or mention.start in left_out:
            continue
        if mention.kind == "product":
            skus.append(mention.key)
        elif mention.kind == "category":
            skus += knowledge.category_skus(mention.key)
    return list(dict.fromkeys(skus))


def _after_except(text: str) -> set[int]:
    """Token positions from "except" to the end of its clause: what gets no rate there.

    "... 25 percent off, except the Falak Aluminium Cabin; and on the Recliner Weekend,
    recliners are 30 percent off": the cabin is left out, the recliners are not.
    """
    left_out: set[int] = set()
    offset = 0
    for clause in text.split(";"):
        words = tokens(clause)
        at = next((i for i, w in enumerate(words) if w in _EXCEPT), None)
        if at is not None:
            left_out |= set(range(offset + at, offset + len(words)))
        offset += len(words)
    return left_out


def _rates(
    knowledge: KnowledgeBase, skus: Iterable[str], store_id: str, at: datetime, *, any_day: bool
) -> set[Decimal]:
    allowed: set[Decimal] = set()
    for sku in skus:
        if not any_day:
            for applied in resolution.resolve(knowledge, store_id=store_id, at=at, item=sku):
                allowed |= rates_of(applied.rule_set.rules)
            continue
        for promotion in knowledge.promotions_for_sku(sku):
            parts = knowledge.rule_set_skus(promotion)
            for rule_set, covered in zip(promotion.all_rule_sets, parts, strict=True):
                if sku in covered:
                    allowed |= rates_of(rule_set.rules)
    return allowed
