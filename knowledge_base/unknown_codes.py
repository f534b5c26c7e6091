"""A model code the chain does not sell, said after a word of its product names.

"Is the Nova Z3 in the White Friday sale?" of a chain selling the Nova Z5, Z7 and Z9: "Z3"
is another model of a line it sells, not a misheard one. Answered as the line's products
or as a sound-alike ("the nova z" heard as "the canvas"), it would be a confident answer
about items the clerk did not ask about.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge_base.generic_words import GENERIC_WORDS
from knowledge_base.loose_matching import FUNCTION_WORDS
from knowledge_base.per_knowledge import per_knowledge
from knowledge_base.words import compact, tokens

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


@per_knowledge
def _names(knowledge: KnowledgeBase) -> tuple[frozenset[str], tuple[str, ...]]:
    """The words of the chain's product names (three letters or more) and their codes."""
    names = [
        name
        for product in knowledge.products.values()
        for name in [product.name.en, *product.aliases, product.sku]
    ]
    words = frozenset(w for name in names for w in tokens(name) if w.isalpha() and len(w) >= 3)
    return words, tuple(compact(name) for name in names)


def names_unknown_code(words: list[str], knowledge: KnowledgeBase) -> bool:
    """Whether a letter and a number ("z 3") make a code no product has, after a line's word.

    The line's word ("nova") is a word of the chain's product names, no small word; the
    letter starts codes the chain has ("z 5"), and this code is in none of its products'
    names, aliases or SKUs.
    """
    line_words, codes = _names(knowledge)
    for i in range(1, len(words) - 1):
        line, letter, number = words[i - 1], words[i], words[i + 1]
        if not (len(letter) == 1 and letter.isalpha() and number.isdigit()):
            continue
        if line not in line_words or line in GENERIC_WORDS or line in FUNCTION_WORDS:
            continue
        family = [c for c in codes if re.search(rf"(?<![a-z]){letter}\d", c)]
        if family and not any(letter + number in code for code in family):
            return True
    return False
