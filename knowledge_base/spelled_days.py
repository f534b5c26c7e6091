"""A day of the month said in words ("Friday the thirtieth", "the twenty first of March").

The words are read as the digits and ending a day number is written with ("30", "th"), so
the day reader finds them as it finds "the 30th". A spelled ordinal is a day only where a
date puts it: after "<weekday> the", before "of <month>" / a month, or after a month ("March
twenty first", "June the thirtieth"). "The first version", "the second pair" stay words, and
so does "may the second ...", which asks leave as often as it names a day.
"""

from __future__ import annotations

from collections.abc import Collection

from knowledge_base.number_words import ORDINAL_TENS, ORDINAL_UNITS

_TENS = {"20": 20, "30": 30, **ORDINAL_TENS}
"""Tens before a unit: digits once number words are read ("thirty first" -> "30", "first")."""


def spelled_days(free: list[str], weekdays: Collection[str], months: Collection[str]) -> list[str]:
    """``free`` with each spelled day of the month a date places written as digits."""
    out: list[str] = []
    i = 0
    while i < len(free):
        tens, unit_at = 0, i
        if free[i] in _TENS and i + 1 < len(free) and free[i + 1] in ORDINAL_UNITS:
            tens, unit_at = _TENS[free[i]], i + 1
        unit = ORDINAL_UNITS.get(free[unit_at]) if unit_at < len(free) else None
        if unit is not None and (tens == 0 or unit < 10):
            value = tens + unit
            after = free[unit_at + 1 : unit_at + 3]
            month_after = bool(after) and (
                after[0] in months or (after[0] == "of" and after[1:2] and after[1] in months)
            )
            weekday_before = len(out) >= 2 and out[-1] == "the" and out[-2] in weekdays
            month_before = bool(out) and (
                out[-1] in months
                or (len(out) >= 2 and out[-1] == "the" and out[-2] in months and out[-2] != "may")
            )
            if value <= 31 and (month_after or weekday_before or month_before):
                out += [str(value), "th"]
                i = unit_at + 1
                continue
        out.append(free[i])
        i += 1
    return out
