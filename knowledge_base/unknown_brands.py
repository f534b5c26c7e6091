"""A brand the chain does not sell, said before one of its categories.

"Are Makita drills in Drill Days?", "is the Tempur pillow in the 3 for 2?": answered as the
category, such a question gets the offer's rule for drills, a confident answer about items
the clerk did not ask about. A word said there that no text of the chain uses is either
such a brand or one of the chain's own names misheard ("the Lynne doll" for the Luna): it is
a brand when it sounds like none of the names of the chain's products in that category.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.question_forms import MISHEARD_NAME_WORD, capitalised_words
from knowledge_base.words import sound, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.mentions import Mention

_BEFORE_A_BRAND = frozenset("the a an are is any".split())
"""Words a brand follows in "are Makita drills", "is the Tempur pillow", "any Chicco seats"."""
MISHEARD_SOUND = 0.7
"""Likeness of the sound keys (:func:`knowledge_base.words.sound`, same first letter) at which
a word is a name word misheard ("Lynne" for Luna)."""


def names_unknown_brand(
    words: list[str],
    mentions: list[Mention],
    unknown_words: list[str],
    text: str,
    knowledge: KnowledgeBase,
) -> bool:
    """Whether a brand the chain does not sell is said right before a category it sells.

    Two unknown words there, one of them capitalised ("the Tremblant sleeper sofa"), are a
    model however they sound; one unknown word is a brand unless it sounds like a word of
    the name of one of the chain's products in that category.
    """
    unknown, capitalised = set(unknown_words), capitalised_words(text)
    for mention in mentions:
        start = mention.start
        if mention.kind != "category" or start < 2 or words[start - 1] not in unknown:
            continue
        if (
            start >= 3
            and words[start - 3] in _BEFORE_A_BRAND
            and words[start - 2] in unknown
            and {words[start - 2], words[start - 1]} & capitalised
        ):
            return True
        word = words[start - 1]
        if (
            words[start - 2] in _BEFORE_A_BRAND
            and word.isalpha()
            and len(word) >= 4
            and word not in GENERIC_WORDS
            and not _sounds_like_a_product_name(word, mention.key, knowledge)
        ):
            return True
    return False


def _sounds_like_a_product_name(word: str, category: str, knowledge: KnowledgeBase) -> bool:
    """Whether ``word`` sounds like a word of the name of a product in ``category``.

    Only that category's names: against a whole catalogue's words any brand sounds like one
    ("Bosch" like "brush", "Graco" like "saco").
    """
    own = {
        w
        for product in knowledge.products.values()
        if product.category == category
        for name in [product.name.en, *product.aliases]
        for w in tokens(name)
        if w.isalpha()
    }
    return any(
        SequenceMatcher(None, word, w).ratio() >= MISHEARD_NAME_WORD
        or (
            word[0] == w[0]
            and SequenceMatcher(None, sound(word), sound(w)).ratio() >= MISHEARD_SOUND
        )
        for w in own
    )
