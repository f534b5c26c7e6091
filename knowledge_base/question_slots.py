"""Slots of a question read from its words: the day it names, and a time of day.

Part of the question reader (:mod:`knowledge_base.understanding`): "tomorrow", "on Monday",
"on 12 December", "in October", "明天", "下周六", "12月12日", "at 7pm" become a :class:`When`; how
many of each item is read by :mod:`knowledge_base.question_counts`. The question's form (a
price idiom, yes or no, an unheld attribute, an unheard place) is read by
:mod:`knowledge_base.question_forms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from knowledge_base.matching import has_cjk
from knowledge_base.spelled_days import spelled_days


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
    month: int | None = None
    """A month alone ("in October"): its first day, or today when it is that month."""
    clock: tuple[int, int] | None = None
    """A time of day, (hour, minute): "at 7pm", "at 19:00", "7:30 p.m." (on the day named, or
    today)."""
    weekend: bool = False
    """"this weekend", "on the weekend", "周末": the coming Saturday, or today at a weekend."""


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
MONTH_WORDS = frozenset(_MONTHS)
"""Month names and their short forms: a day's words, never an unknown place."""
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
        if month is None:
            continue
        before = [w for w in free[max(0, i - 3) : i] if w not in _ORDINAL_ENDINGS | {"of", "the"}]
        after = free[i + 1 : i + 3]
        # "June the 30th"; "may" names a day only right beside one ("may 3", "the 3rd of may"),
        # never in "may I" or "may the 2nd pair ...".
        if after[:1] == ["the"] and word != "may":
            after = after[1:]
        if before and _day_number(before[-1]) is not None:
            return month, int(before[-1])
        if after and _day_number(after[0]) is not None:
            return month, int(after[0])
    zh = _ZH_DATE.search("".join(free))
    if zh and 1 <= int(zh.group(1)) <= 12 and _day_number(zh.group(2)) is not None:
        return int(zh.group(1)), int(zh.group(2))
    return None


_BEFORE_WEEKDAY = ("on", "this", "next", "coming", "from", "by", "starting", "after")
"""Words that make a weekday the day asked about ("from Monday", "on Saturday")."""
_UNTIL = frozenset({"until", "till", "til", "through", "to", "before", "ends", "end", "last"})
"""Words that make a last weekday the offer's end, not the day asked about ("until Sunday")."""


def when_named(words: list[str], named: set[int]) -> When | None:
    """The day and time a question asks about, when not now; words inside names never count."""
    free = [w if i not in named else "" for i, w in enumerate(words)]
    free = spelled_days(free, _WEEKDAYS, _MONTHS)  # "Friday the thirtieth"
    day = _day_named(free)
    clock = clock_named(free)
    if clock is None:
        return day
    return When(clock=clock) if day is None else replace(day, clock=clock)


CLOCK_WORDS = frozenset({"am", "pm", "a", "p", "m"})
"""Words of a time of day that are no unknown words ("7 pm", "7 p.m.")."""


_EVENING_AFTER_HOUR = (
    ("tonight",),
    ("this", "evening"),
    ("in", "the", "evening"),
    ("at", "night"),
    ("this", "afternoon"),
    ("in", "the", "afternoon"),
)
"""Words after a bare hour that make it p.m.: "at 10 tonight", "3 in the afternoon"."""
_MORNING_AFTER_HOUR = (("this", "morning"), ("in", "the", "morning"))
"""Words after a bare hour that make it a.m.: "at 10 in the morning"."""
_ZH_CLOCK = re.compile(
    r"(早上|上午|中午|下午|傍晚|晚上|今晚)?(\d{1,2}|[一二三四五六七八九十]{1,3})点(半|(\d{1,2})分)?"
)
_ZH_AFTERNOON = ("下午", "傍晚", "晚上", "今晚")
_ZH_NUMERALS = "一二三四五六七八九十"


def clock_named(free: list[str]) -> tuple[int, int] | None:
    """A time of day said, as (hour, minute).

    "at 7pm", "7:30 pm", "7 p.m.", "at 19:00", "at 10 tonight", "晚上10点", "下午三点半".
    """
    for i, word in enumerate(free):
        meridiem = word
        if word in ("a", "p") and i + 1 < len(free) and free[i + 1] == "m":
            meridiem = f"{word}m"  # "p.m." is written as "p", "m"
        if meridiem in ("am", "pm") and i > 0 and free[i - 1].isdigit():
            hour, minute = int(free[i - 1]), 0
            if i > 1 and free[i - 2].isdigit() and len(free[i - 1]) == 2:
                hour, minute = int(free[i - 2]), int(free[i - 1])  # "7:30 pm"
            if 1 <= hour <= 12 and minute < 60:
                return hour % 12 + (12 if meridiem == "pm" else 0), minute
    for i, word in enumerate(free):
        if word == "at" and i + 2 < len(free) and free[i + 1].isdigit() and free[i + 2].isdigit():
            hour, minute = int(free[i + 1]), int(free[i + 2])  # "at 19:00"
            if len(free[i + 2]) == 2 and hour < 24 and minute < 60:
                return hour + (12 if _evening_after(free[i + 3 :], hour) else 0), minute
    for i, word in enumerate(free):
        if not (word.isdigit() and 1 <= int(word) <= 12):
            continue
        after = free[i + 1 :]
        if after[:2] == ["o", "clock"]:
            after = after[2:]
        if _evening_after(after, int(word)):
            return int(word) % 12 + 12, 0
        if any(tuple(after[: len(words)]) == words for words in _MORNING_AFTER_HOUR):
            return int(word) % 12, 0
    return _zh_clock(free)


def _evening_after(after: list[str], hour: int) -> bool:
    """An hour of 1 to 12 followed by words that make it p.m. ("7:30 tonight")."""
    return 1 <= hour <= 12 and any(
        tuple(after[: len(words)]) == words for words in _EVENING_AFTER_HOUR
    )


def _zh_clock(free: list[str]) -> tuple[int, int] | None:
    """A Chinese time of day: "晚上10点", "下午三点半", "今晚9点30分".

    A Chinese numeral needs the part of the day ("便宜一点" is "a little cheaper", not one
    o'clock).
    """
    text = "".join(w if has_cjk(w) or w.isdigit() else " " for w in free)
    for match in _ZH_CLOCK.finditer(text):
        part, said = match.group(1), match.group(2)
        if part is None and not said.isdigit():
            continue
        hour = int(said) if said.isdigit() else _zh_number(said)
        minute = 30 if match.group(3) == "半" else int(match.group(4) or 0)
        if hour is None or hour > 23 or minute > 59:
            continue
        if part in _ZH_AFTERNOON and hour < 12:
            hour += 12
        return hour, minute
    return None


def _zh_number(said: str) -> int | None:
    """一 .. 二十三 as a number (None for anything else)."""
    digits = [_ZH_NUMERALS.index(c) + 1 for c in said]
    if len(digits) == 1:
        return digits[0]
    if len(digits) == 2 and digits[0] == 10:
        return 10 + digits[1]  # 十一
    if len(digits) == 2 and digits[1] == 10:
        return digits[0] * 10  # 二十
    if len(digits) == 3 and digits[1] == 10:
        return digits[0] * 10 + digits[2]  # 二十三
    return None


def _day_named(free: list[str]) -> When | None:
    """The day a question asks about, when it is not today (names blanked out of ``free``)."""
    month_day = calendar_date(free)
    if month_day is not None:
        return When(month_day=month_day)
    for i in range(1, len(free)):
        if free[i - 1] == "in" and free[i] in _MONTHS:
            return When(month=_MONTHS[free[i]])  # "in October"
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
    if _weekend_named(free):
        return When(weekend=True)
    for i, word in enumerate(free):
        if word in _WEEKDAYS and i > 0 and free[i - 1] in _BEFORE_WEEKDAY:
            return When(weekday=_WEEKDAYS.index(word), next_one=free[i - 1] == "next")
        after = free[i + 1 : i + 2]
        if word in _WEEKDAYS and after and (after == ["at"] or after[0].isdigit()):
            if clock_named(free[i + 1 :]):
                return When(weekday=_WEEKDAYS.index(word))  # "Sunday at 10am", "saturday 3pm"
        if word in _WEEKDAYS and i == len(free) - 1 and free[i - 1] not in _UNTIL:
            return When(weekday=_WEEKDAYS.index(word))  # "grinder in ankara sunday"
    # Chinese is one token per character; names ("黑色星期五") are blanked out like words.
    free_text = "".join(w if has_cjk(w) else " " for w in free)
    for marker, days in _RELATIVE_ZH:
        if marker in free_text:
            return When(days=days)
    match = _ZH_WEEKDAY.search(free_text)
    if match and not match.group(0).startswith("周末"):
        return When(weekday=_ZH_WEEKDAY_NUMBER[match.group(2)], next_one=bool(match.group(1)))
    return None


_BEFORE_WEEKEND = ("this", "the")
_OFFER_AFTER = frozenset("deal deals offer offers sale sales promotion promotions promo".split())


def _weekend_named(free: list[str]) -> bool:
    """Whether "this weekend", "over the weekend" or "周末" is said; not "the weekend deal"."""
    for i, word in enumerate(free):
        if word != "weekend" or i == 0 or free[i - 1] not in _BEFORE_WEEKEND:
            continue
        if not _OFFER_AFTER.intersection(free[i + 1 : i + 2]):
            return True
    text = "".join(w if has_cjk(w) else " " for w in free)
    return "周末" in text and "下周末" not in text


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
