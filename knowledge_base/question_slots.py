"""Slots of a question read from its words: the day it names and how many of each item.

Part of the question reader (:mod:`knowledge_base.understanding`): "tomorrow", "on Monday",
"on 12 December", "明天", "下周六", "12月12日" become a :class:`When`; "2 pairs of AX-200",
"两台A5", "数据线买三条" become units per SKU. The question's form (a price idiom, yes or
no, an unheld attribute, an unheard place) is read by :mod:`knowledge_base.question_forms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from knowledge_base.cues import MAX_QUANTITY, QUANTITY_WORDS
from knowledge_base.matching import has_cjk
from knowledge_base.mentions import Mention

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


@dataclass(frozen=True, slots=True)
class When:
    """A day named relative to the moment of the question."""

    days: int | None = None
    """Days from today ("tomorrow" 1, "yesterday" -1, "next week" 7)."""
    weekday: int | None = None
    """0 = Monday ... 6 = Sunday: the next such day (today when it is that day)."""
    next_one: bool = False
    """"next Saturday": never today."""
    month_day: tuple[int, int] | None = None
    """A calendar date (month, day): "on 12 December", "Dec 24th", "12月12日"; the one
    nearest the question's own day (within half a year either way)."""
    day_of_month: int | None = None
    """A day of the month without a month ("on the 12th"): the next such day from today."""


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE_EN = {"tomorrow": 1, "yesterday": -1}
_RELATIVE_ZH = (("大后天", 3), ("后天", 2), ("明天", 1), ("昨天", -1), ("下周", 7), ("下星期", 7))
_ZH_WEEKDAY = re.compile(r"(下)?(?:这)?(?:周|星期|礼拜)([一二三四五六日天])")
_ZH_WEEKDAY_NUMBER = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})
DAY_NUMBER_WORDS = _ORDINAL_ENDINGS
"""Words a day number is written with ("14th" is read as "14", "th")."""
_ZH_DATE = re.compile(r"(\d{1,2})月(\d{1,2})(?:日|号)")


def _day_number(word: str) -> int | None:
    return int(word) if word.isdigit() and 1 <= int(word) <= 31 else None


def calendar_date(free: list[str]) -> tuple[int, int] | None:
    """(month, day) of "12 December", "the 12th of Dec", "December 12th", "12月12日"."""
    for i, word in enumerate(free):
        month = _MONTHS.get(word)
        if month is None or (word == "may" and not _beside_number(free, i)):
            continue  # "may" is a date only beside a day number ("may 3", not "may I")
        before = [w for w in free[max(0, i - 3) : i] if w not in _ORDINAL_ENDINGS | {"of", "the"}]
        if before and _day_number(before[-1]) is not None:
            return month, int(before[-1])
        after = free[i + 1] if i + 1 < len(free) else ""
        if _day_number(after) is not None:
            return month, int(after)
    zh = _ZH_DATE.search("".join(free))
    if zh and 1 <= int(zh.group(1)) <= 12 and _day_number(zh.group(2)) is not None:
        return int(zh.group(1)), int(zh.group(2))
    return None


def _beside_number(free: list[str], i: int) -> bool:
    return (i > 0 and free[i - 1].isdigit()) or (i + 1 < len(free) and free[i + 1].isdigit())


_BEFORE_WEEKDAY = ("on", "this", "next", "coming", "from", "by", "starting", "after")
"""Words that make a weekday the day asked about ("from Monday", "on Saturday")."""


def when_named(words: list[str], named: set[int]) -> When | None:
    """The day a question asks about, when it is not today; words inside names never count."""
    free = [w if i not in named else "" for i, w in enumerate(words)]
    month_day = calendar_date(free)
    if month_day is not None:
        return When(month_day=month_day)
    for i in range(1, len(free) - 1):
        # "on the 12th": an ordinal day after "the", no month named
        if free[i - 1] == "the" and free[i + 1] in _ORDINAL_ENDINGS:
            day_number = _day_number(free[i])
            if day_number is not None:
                return When(day_of_month=day_number)
    joined = " " + " ".join(free) + " "
    if " day after tomorrow " in joined:
        return When(days=2)
    for word, days in _RELATIVE_EN.items():
        if f" {word} " in joined:
            return When(days=days)
    if " next week " in joined:
        return When(days=7)
    for i, word in enumerate(free):
        if word in _WEEKDAYS and i > 0 and free[i - 1] in _BEFORE_WEEKDAY:
            return When(weekday=_WEEKDAYS.index(word), next_one=free[i - 1] == "next")
    # Chinese is one token per character; names ("黑色星期五") are blanked out like words.
    free_text = "".join(w if has_cjk(w) else " " for w in free)
    for marker, days in _RELATIVE_ZH:
        if marker in free_text:
            return When(days=days)
    match = _ZH_WEEKDAY.search(free_text)
    if match and not match.group(0).startswith("周末"):
        return When(weekday=_ZH_WEEKDAY_NUMBER[match.group(2)], next_one=bool(match.group(1)))
    return None


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
    words: list[str], mentions: list[Mention], knowledge: KnowledgeBase
) -> list[Mention]:
    """``mentions`` with a category of one product read as that product, in a basket.

    "Two backpacks and the watercolour set": when the chain sells one backpack, "two
    backpacks" are two of it. Only when the question names a product as well or counts the
    category; "Are backpacks on offer?" stays a question about the category.
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
    if names_product or any(counted.get(sku, 1) > 1 for sku in single.values()):
        return as_products
    return mentions


def quantities(
    words: list[str], mentions: list[Mention], knowledge: KnowledgeBase
) -> dict[str, int]:
    """Units per product: a small number heard just before the product ("2 pairs of AX-200").

    Words of the product's own name between the number and the part of the name heard are
    skipped ("2 velvet mat lipsticks"), and so is a size ("3 one litre bottles": 3).
    """
    inside = {i for m in mentions for i in range(m.start, m.end)}
    quantities: dict[str, int] = {}
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
            if word in SIZE_UNITS and i > 0 and words[i - 1].isdigit():
                # "six of the one litre bottles": "one litre" is a size, not a count.
                i, reach = i - 1, reach + 2
                continue
            if word.isdigit() and 0 < int(word) <= MAX_QUANTITY:
                quantity = int(word)
                break
            if word in _ZH_DIGITS:
                quantity = _ZH_DIGITS[word]
                break
            if word == "too":
                quantity = 2  # "too home ice jerseys": "two" as speech recognition wrote it
                break
            if word[:3] in _name_stems(knowledge, mention.key):
                continue
            if word in _HEARD_FOR_OF and i >= 2 and _counted_unit(words, i - 1):
                continue  # "3 sets on Brightwire strings": "of" heard as "on"
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
    return quantities


_HEARD_FOR_OF = frozenset({"on", "a"})
"""Words recognition writes for an unstressed "of" after a unit ("3 sets on ...")."""


_NOT_UNITS = frozenset({"the", "for", "and", "off", "percent", "more", "less"})


def _counted_unit(words: list[str], i: int) -> bool:
    """``words[i]`` is a word for units right after a count ("3 sets", "two pairs")."""
    return (
        words[i].isalpha()
        and len(words[i]) > 2
        and words[i] not in _NOT_UNITS
        and words[i - 1].isdigit()
        and 0 < int(words[i - 1]) <= MAX_QUANTITY
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
    if word.isdigit() and 0 < int(word) <= MAX_QUANTITY:
        return int(word)
    return _ZH_DIGITS.get(word)


def days_to_day_of_month(today: date, day_of_month: int) -> int | None:
    """Days from ``today`` to the next ``day_of_month`` (today counts); ``None`` if none soon."""
    for ahead in range(0, 62):
        if (today + timedelta(days=ahead)).day == day_of_month:
            return ahead
    return None


def days_until(today: date, month: int, day_of_month: int) -> int | None:
    """Days from ``today`` to the (month, day) nearest it; ``None`` for a date no year has."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day_of_month))
        except ValueError:
            continue
    if not candidates:
        return None
    nearest = min(candidates, key=lambda d: abs((d - today).days))
    return (nearest - today).days
