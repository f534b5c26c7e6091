"""Every name a promotion answers to, and which of its named rule sets a question names.

A promotion is named by its title and aliases, and by the ``name:`` and ``aliases:`` of its
rule sets ("Grand Sunday"; docs/knowledge-base.md, "Rule sets"). The matcher indexes them
all as names of the promotion, so "the Blade Pro on Grand Sunday" is about
the Puck Drop Frenzy; :func:`named_rule_set` then says which of its rule sets was named, so
the answer is given for that rule set's first day and with its rules.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from knowledge_base.words import compact, sound, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.mentions import Mention
    from knowledge_base.models import Promotion, RuleSet


OFFER_NOUNS = ("sale", "offer", "deal")
"""What a promotion's name may end with where a question says "price" ("the new year price")."""


def said_as_price(promotion: Promotion, words: list[str]) -> bool:
    """Its name "<X> offer" (sale, deal) is said as "<X> price": "cushion price", "cushion deal"."""
    names = {compact(name) for name in promotion_names(promotion)}
    for end, word in enumerate(words):
        if word not in ("price", "prices"):
            continue
        for start in range(end):
            said = compact(" ".join(words[start:end]))
            if any(said + noun in names for noun in OFFER_NOUNS):
                return True
    return False


def promotion_names(promotion: Promotion) -> list[str]:
    """Its title (English, then Chinese), aliases, then its rule sets' names and aliases."""
    names = [promotion.title.en, *promotion.aliases]
    if promotion.title.zh_cn:
        names.append(promotion.title.zh_cn)
    return names + rule_set_names(promotion)


def rule_set_names(promotion: Promotion) -> list[str]:
    """Every name and alias its rule sets carry, in English and Chinese."""
    return [name for rule_set in promotion.rule_sets for name in names_of(rule_set)]


def names_of(rule_set: RuleSet) -> list[str]:
    """A rule set's name (English, then Chinese) and aliases; empty when it has none."""
    names = [rule_set.name.en] if rule_set.name else []
    if rule_set.name and rule_set.name.zh_cn:
        names.append(rule_set.name.zh_cn)
    return [*names, *rule_set.aliases]


def named_rule_set(
    mentions: list[Mention], knowledge: KnowledgeBase
) -> tuple[Promotion, RuleSet] | None:
    """The named rule set a question's promotion mention was heard as, if any."""
    for mention in mentions:
        if mention.kind != "promotion":
            continue
        promotion = knowledge.promotions.get(mention.key)
        if promotion is None:
            continue
        heard = tokens(mention.heard)
        for rule_set in promotion.rule_sets:
            if any(tokens(name) == heard for name in names_of(rule_set)):
                return promotion, rule_set
        own = [promotion.title.en, *promotion.aliases]
        if not any(tokens(name) == heard for name in own):
            # Heard loosely ("bucket weekend"): the name it is closest to says which.
            closest = _closest_rule_set(promotion, mention.heard)
            if closest is not None:
                return promotion, closest
    return None


def _closest_rule_set(promotion: Promotion, heard: str) -> RuleSet | None:
    """The rule set whose name ``heard`` is nearer to than to any of the promotion's own."""
    form, key = compact(heard), sound(heard)

    def nearness(name: str) -> float:
        letters = SequenceMatcher(None, form, compact(name)).ratio()
        return max(letters, SequenceMatcher(None, key, sound(name)).ratio())

    own = max((nearness(n) for n in [promotion.title.en, *promotion.aliases]), default=0.0)
    scored = [
        (nearness(name), index)
        for index, rule_set in enumerate(promotion.rule_sets)
        for name in names_of(rule_set)
    ]
    if not scored:
        return None
    best, index = max(scored)
    return promotion.rule_sets[index] if best > own else None
