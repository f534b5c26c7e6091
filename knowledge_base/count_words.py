"""The words of a count: a number of items in digits, and the words between it and the item.

Read by :mod:`knowledge_base.question_counts` (how many of each item a question asks about)
and by the matcher (:mod:`knowledge_base.matching`: "six tubes" is the tube).
"""

from __future__ import annotations

# Words between a count and the item it counts ("2 pairs of").
QUANTITY_WORDS = {
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
# The largest number read as a quantity.
MAX_QUANTITY = 50


def is_quantity(word: str) -> bool:
    """A count of items written in digits, from 1 to :data:`MAX_QUANTITY` ("2", not "2026")."""
    return word.isdigit() and 0 < int(word) <= MAX_QUANTITY
