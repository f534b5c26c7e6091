"""How many of each item a question asks about: "2 pairs of AX-200", "两台A5", "数据线买三条".

Part of the question reader (:mod:`knowledge_base.understanding`); the day a question names
is read by :mod:`knowledge_base.question_slots`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from knowledge_base.count_words import QUANTITY_WORDS, is_quantity
from knowledge_base.measures import heard_as
from knowledge_base.mentions import Mention

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


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


SIZE_UNITS = frozenset(
    """l litre litres liter liters ml millilitre milliliter kg kilo kilos g gram grams lb lbs
    oz ounce ounces cm mm m metre meter inch inches gb tb mah w watt watts person""".split()
)
"""Units after a number that make it a size ("1 litre", "12 kg", "2 person"), not a count."""


_ZH_MEASURE_WORDS = "双件个台部条支瓶盒套只块张本副对款"
"""Chinese measure words between a number and the thing counted ("两台", "三条")."""


def one_product_categories(
    words: list[str], mentions: list[Mention], knowledge: KnowledgeBase, *, priced: bool = False
) -> list[Mention]:
    """``mentions`` with a category of one product read as that product, in a basket.

    "Two backpacks and the watercolour set": when the chain sells one backpack, "two
    backpacks" are two of it. Only when the question names a product as well, counts the
    category, or asks the price of a category no offer ever covers (``priced``: "eye exam
    price" is the one eye test's list price); "Are backpacks on offer?" stays a question
    about the category, and so does the price of one an offer covers (its offer answers).
    """
    single = {
        m.key: skus[0]
        for m in mentions
        if m.kind == "category" and len(skus := knowledge.category_skus(m.key)) == 1
    }
    if not single:
        return mentions
    as_products = [
        replace(m, kind="product", key=single[m.key]) if m.key in single else m for m in mentions
    ]
    names_product = any(m.kind == "product" for m in mentions)
    counted = quantities(words, as_products, knowledge)
    unoffered = priced and not any(knowledge.promotions_for_category(c) for c in single)
    if unoffered or names_product or any(counted.get(sku, 1) > 1 for sku in single.values()):
        return as_products
    return mentions


def quantities(
    words: list[str], mentions: list[Mention], knowledge: KnowledgeBase
) -> dict[str, int]:
    """Units per product: a small number heard just before the product ("2 pairs of AX-200").

    Words of the product's own name between the number and the part of the name heard are
    skipped ("2 velvet mat lipsticks"), and so is a size ("3 one litre bottles": 3).
    """
    return counts_heard(words, mentions, knowledge)[0]


def counts_heard(
    words: list[str], mentions: list[Mention], knowledge: KnowledgeBase
) -> tuple[dict[str, int], set[int]]:
    """:func:`quantities`, and the positions of the words read as counts ("3 manchego")."""
    inside = {i for m in mentions for i in range(m.start, m.end)}
    quantities: dict[str, int] = {}
    counted: set[int] = set()
    previous_end, previous_key = 0, ""
    for mention in mentions:
        if mention.kind != "product":
            continue
        quantity = 1
        i, reach = mention.start, 4
        while i > max(previous_end, mention.start - reach):
            i -= 1
            word = words[i]
            if i in inside:
                break
            sold_by = knowledge.products[mention.key].sold_by
            if sold_by and heard_as(sold_by, word) and i > 0 and is_quantity(words[i - 1]):
                quantity = int(words[i - 1])  # "four kilos of salmon": sold by the kilogram
                counted.add(i - 1)
                break
            if word in SIZE_UNITS and i > 0 and words[i - 1].isdigit():
                # "six of the one litre bottles": "one litre" is a size, not a count.
                i, reach = i - 1, reach + 2
                continue
            if is_quantity(word):
                quantity = int(word)
                counted.add(i)
                break
            if word in _ZH_DIGITS:
                quantity = _ZH_DIGITS[word]
                counted.add(i)
                break
            if word == "too":
                quantity = 2  # "too home ice jerseys": "two" as speech recognition wrote it
                counted.add(i)
                break
            if word[:3] in _name_stems(knowledge, mention.key):
                continue
            if _heard_count(words, i, mention):
                quantity = HEARD_FOR_COUNT[word]
                counted.add(i)
                break
            if word in _HEARD_FOR_OF and i >= 2 and _counted_unit(words, i - 1):
                continue  # "3 sets on Brightwire strings": "of" heard as "on"
            if i + 1 < len(words) and words[i + 1] == "of" and i >= 1 and _counted_unit(words, i):
                continue  # "six bottles of Pedra Rolada", "3 tins of sardines": any unit
            if word not in QUANTITY_WORDS and not (len(word) == 1 and word in _ZH_MEASURE_WORDS):
                break
        if quantity == 1:
            quantity = _quantity_after(words, mention.end, inside) or 1
            if quantity == 1 and mention.start <= previous_end and mention.key == previous_key:
                # No count of its own, right after the same product ("two Frost Pro
                # shovels": "shovels" names the Frost Pro again): the same units.
                previous_end = mention.end
                continue
        quantities[mention.key] = quantities.get(mention.key, 0) + quantity
        previous_end, previous_key = mention.end, mention.key
    return quantities, counted


HEARD_FOR_COUNT = {"do": 2, "free": 3, "tree": 3, "poor": 4, "pour": 4}
"""Words recognition writes for a count said before a plural name ("free inner tubes", "tree
kangas")."""


def _heard_count(words: list[str], i: int, mention: Mention) -> bool:
    """``words[i]`` is a count heard as a like-sounding word, before a plural name.

    Only before a name heard in the plural, or followed by a plural word ("free inner
    tubes", "poor slicker brushes"); "free" also before any item first or after a verb of
    buying; "do" only after "for" ("how much for do helmets"), as "Do inner tubes count?"
    and "What do the bikes cost?" ask no count.
    """
    word = words[i]
    if word not in HEARD_FOR_COUNT or (word == "do" and (i == 0 or words[i - 1] != "for")):
        return False
    if word == "free" and (i == 0 or words[i - 1] in _BUYING):
        return True  # "Free moose jerky, how much?", "a member buys free moose jerky"
    return any(_plural(w) for w in words[mention.end - 1 : mention.end + 1])


_BUYING = frozenset({"buys", "buy", "takes", "take", "wants", "want"})
"""Verbs after which "free" before an item is its count heard wrong, not a free gift."""


def _plural(word: str) -> bool:
    return word.isalpha() and len(word) > 3 and word.endswith("s") and not word.endswith("ss")


_HEARD_FOR_OF = frozenset({"on", "a"})
"""Words recognition writes for an unstressed "of" after a unit ("3 sets on ...")."""


_NOT_UNITS = frozenset({"the", "for", "and", "off", "percent", "more", "less"})


def _counted_unit(words: list[str], i: int) -> bool:
    """``words[i]`` is a word for units right after a count ("3 sets", "two pairs")."""
    return (
        words[i].isalpha()
        and len(words[i]) > 2
        and words[i] not in _NOT_UNITS
        and is_quantity(words[i - 1])
    )


def _name_stems(knowledge: KnowledgeBase, sku: str) -> frozenset[str]:
    """First three letters of each word of a product's English name and aliases."""
    product = knowledge.products[sku]
    names = [product.name.en, *product.aliases]
    return frozenset(w[:3] for name in names for w in name.lower().split() if len(w) >= 3)


def _quantity_after(words: list[str], end: int, inside: set[int]) -> int | None:
    """A Chinese number after the thing counted: "数据线买三条", "P12要两部"."""
    i = end
    if i < len(words) and words[i] in ("买", "要", "来", "拿"):
        i += 1
    if i + 1 >= len(words) or i in inside or words[i + 1] not in _ZH_MEASURE_WORDS:
        return None
    word = words[i]
    if is_quantity(word):
        return int(word)
    return _ZH_DIGITS.get(word)


ONE_OF_EACH = (("1", "of", "each"), ("1", "of", "every"))
"""Words before a category that ask for one of each of its products ("one of each body mist")."""
MAX_OF_EACH = 6
"""Most products "one of each" of a category may stand for; more is no basket said."""


def one_of_each(words: list[str], mentions: list[Mention], knowledge: KnowledgeBase) -> list[str]:
    """The products of a category said after "one of each" ("one of each body mist"), or [].

    A basket of one of every product the category holds, when it holds a few (two to
    :data:`MAX_OF_EACH`) and the question names no product besides.
    """
    if any(m.kind == "product" for m in mentions):
        return []
    for m in mentions:
        if m.kind != "category":
            continue
        before = tuple(w for w in words[max(0, m.start - 4) : m.start] if w != "the")[-3:]
        skus = knowledge.category_skus(m.key)
        if before in ONE_OF_EACH and 1 < len(skus) <= MAX_OF_EACH:
            return list(skus)
    return []
