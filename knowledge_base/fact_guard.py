"""Fact guard: every number an answer states must come from the facts it was composed from.

A wrong discount spoken to a customer is worse than no answer, so an LLM's sentence is
spoken only when each number-like *claim* in it is supported by the facts (the retrieved
knowledge-base text and the tool results). The guard reads English and basic Chinese:

- numbers: ``2``, ``1,366.48``, ``two``, ``twenty-five``, ``one hundred and fifty``, ``二十``;
- percentages: ``20%``, ``20 percent``, ``twenty per cent``, ``百分之二十``, and discounts
  written as ``八折`` / ``8折`` (pay 80 percent, i.e. 20 percent off), ``八五折`` (15 percent
  off), ``half price`` / ``半价`` (50 percent);
- prices: ``719.20 yuan``, ``¥899``, ``899元``, ``S$169``, ``169 Singapore dollars``,
  ``119 euros``, ``€119``;
- dates: ``29 November``, ``November 29th, 2026``, ``2026-11-29``, ``11月29日``, day ranges
  ``27 to 29 November``, weekday and date (``Sunday 29 November``: the weekday must be the
  date's weekday), ordinals (``the 29th``), month names, weekday names (``星期六`` too);
- times: ``18:00``, ``6 pm``, ``6:30 p.m.``, ``noon``, ``midnight``, ``下午6点``;
- codes: ``AX-200``, ``SH-01``.

Claims and facts are parsed by the same extractor and compared by value, so formatting does
not matter ("1,366.48" == "1366.48", "20 percent" == "20%" == "八折"). What supports what:

- a percentage, price, date or time needs the same value *of the same kind* in the facts
  (a price's currency must agree when both name one; "150 off" in the facts supports
  "150 yuan off").
- a bare number needs the same value somewhere in the facts as a number, price or year (a
  percentage does not count: "save 20" where the facts say 20 percent is ambiguous).
- a number inside a name ("Aero X 200", "with Socks 3 for 2": a capitalised word before
  it, not at the start of a sentence) backs only the same name ("X 200", "AX-200"), never
  a quantity or a price: "costs 200 yuan" and "limit 3 pairs" stay unsupported.
- the question may supply *small counts*: one to ten said by the clerk ("I want two
  pairs") may be repeated. A percentage, price or date the clerk said may not ("Is it 25
  percent off?" does not make "25 percent" true).
- a code or weekday needs to be in the facts or the question; a weekday is also supported
  by the weekday of any full date in the facts.

Deliberately not checked (documented limits): relations between correct numbers ("buy one
get one" when the facts say "buy 2 get 1" passes, as both 1 and 2 are facts); relative days
("today", "tomorrow", "this weekend"); spelled ordinals ("first", "second", which are
mostly not numbers); European decimal commas ("1.366,48"); "May" as a month without a day
(it is mostly a verb). The word "one" as a pronoun ("the one", "one of them") is no claim.
The guard errs on the side of flagging: a derived number the facts do not state ("you pay
80 percent") is a violation; quotes from the pricing tool put computed prices in the facts.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class ClaimKind(StrEnum):
    """What a number-like span in a text states."""

    NUMBER = "number"
    """A bare quantity: "2 pairs", "extension 2204"."""
    LABEL = "label"
    """A number inside a name, after a capitalised word: "Aero X 200", "Double 12"."""
    PERCENT = "percent"
    MONEY = "money"
    DATE = "date"
    ORDINAL = "ordinal"
    """A numeric ordinal: "the 29th", "2nd pair" (a day of the month or a count)."""
    TIME = "time"
    WEEKDAY = "weekday"
    MONTH = "month"
    CODE = "code"
    """A product, store or promotion code: "AX-200", "SH-01"."""


@dataclass(frozen=True, slots=True)
class Claim:
    """One number-like statement found in a text, with its normalised value."""

    kind: ClaimKind
    text: str
    """The span as written in the text."""
    value: str
    """Normalised value, e.g. ``20%``, ``719.2 CNY``, ``2026-11-29``, ``11-29``, ``18:00``."""
    amount: Decimal | None = None
    """Numeric value (numbers, labels, percentages, prices, ordinals)."""
    currency: str | None = None
    """``CNY``, ``SGD``, ``EUR``, ``USD`` or ``DOLLAR`` (a bare "$" or "dollars")."""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    """0 = Monday ... 6 = Sunday (for weekdays and for dates written with their weekday)."""
    times: tuple[tuple[int, int], ...] = ()
    """Possible (hour, minute) readings: "6 o'clock" is 06:00 or 18:00."""
    name: str | None = None
    """Lowercased word just before a number ("x" in "Aero X 200", "limit" in "limit 2")."""


@dataclass(frozen=True, slots=True)
class Violation:
    """A claim the facts do not support, and why."""

    claim: Claim
    reason: str

    def __str__(self) -> str:
        return f"{self.claim.text!r} ({self.claim.value}): {self.reason}"


@dataclass(frozen=True, slots=True)
class FactCheck:
    """Result of checking one text against the facts."""

    claims: tuple[Claim, ...]
    """Every claim found in the text, in order."""
    violations: tuple[Violation, ...]
    """The claims the facts do not support."""

    @property
    def ok(self) -> bool:
        """True when every claim is supported."""
        return not self.violations

    @property
    def unsupported(self) -> tuple[Claim, ...]:
        """The unsupported claims."""
        return tuple(v.claim for v in self.violations)

    def describe(self) -> list[str]:
        """One human-readable line per violation."""
        return [str(v) for v in self.violations]


SMALL_COUNT_MAX = 10
"""Counts up to this value that the question states may be repeated by the answer."""


# --- normalising text --------------------------------------------------------------------------


@dataclass(slots=True)
class _Text:
    """Text being rewritten, remembering where each character came from in the original."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(text, list(range(len(text))), list(range(1, len(text) + 1)))

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> _Text:
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for match in pattern.finditer(self.text):
            replacement = repl(match)
            if replacement is None or match.end() == match.start():
                continue
            parts.append(self.text[pos : match.start()])
            starts += self.starts[pos : match.start()]
            ends += self.ends[pos : match.start()]
            first, last = self.starts[match.start()], self.ends[match.end() - 1]
            parts.append(replacement)
            starts += [first] * len(replacement)
            ends += [last] * len(replacement)
            pos = match.end()
        parts.append(self.text[pos:])
        starts += self.starts[pos:]
        ends += self.ends[pos:]
        return _Text("".join(parts), starts, ends)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _nfkc_per_char(text: str) -> str:
    # Full-width digits, "％", "：" and "￥" become ASCII; characters whose NFKC form is
    # longer than one character stay as they are, so positions map one to one.
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out).replace("–", "-").replace("—", "-").replace("’", "'")


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_ABBR = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_MONTH_ABBR = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

_CN_WEEKDAY_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_CN_WEEKDAY = re.compile(r"(?:星期|礼拜|周)([一二三四五六日天])")

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUM = "零〇一二两三四五六七八九十百千万"
_CN_CLASSIFIERS = "双件个位次天张条套号日月年元块折%岁周"
_CN_PREFIXES = "买送满减第限共各打"
_CN_NUMBER = re.compile(
    rf"百分之([{_CN_NUM}]+(?:点[{_CN_NUM}]+)?|\d+(?:\.\d+)?)"
    rf"|([{_CN_NUM}]+)(?:点([零〇一二三四五六七八九]+)(?=\s*(?:元|块|%|折)))?"
)
_HALF_PRICE = re.compile(r"\bhalf[\s-]+(?:price|off)\b|半价", re.IGNORECASE)

_WORD_VALUES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# Longest first, so "seventeen" is not read as "seven".
_WORD = "|".join(sorted([*_WORD_VALUES, *_SCALES], key=len, reverse=True))
_NUMBER_WORDS = re.compile(
    rf"\b(?:{_WORD})(?:(?:\s+and\s+|\s*-\s*|\s+)(?:{_WORD}))*\b", re.IGNORECASE | re.ASCII
)
_ONE_BEFORE = re.compile(
    r"\b(?:the|this|that|which|any|each|every|no|some|other|another|a|only|right|new|"
    r"same|last|first|next|little|big|cheaper|better)\s+$",
    re.IGNORECASE,
)
_ONE_AFTER = re.compile(r"^(?:\s+(?:of|another|another's)\b|'s\b)", re.IGNORECASE)


def _cn_to_number(text: str) -> int | None:
    """Value of a Chinese numeral ("二十九" 29, "一千二百" 1200, "二零二六" 2026, "八五" 85)."""
    if not any(char in _CN_UNITS for char in text):
        # Digit by digit, as years and discounts are read ("二零二六", "八五").
        digits = [_CN_DIGITS.get(char) for char in text]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            unit = _CN_UNITS[char]
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def _replace_cn_number(match: re.Match[str]) -> str | None:
    text = match.string
    if match.group(1) is not None:  # 百分之二十
        inner = match.group(1)
        if inner[0].isdigit():
            return f"{inner}%"
        whole, _, frac = inner.partition("点")
        value = _cn_to_number(whole)
        if value is None:
            return None
        fraction = "".join(str(_CN_DIGITS[c]) for c in frac if c in _CN_DIGITS)
        return f"{value}.{fraction}%" if fraction else f"{value}%"
    run = match.group(2)
    before = text[: match.start()].rstrip()[-1:]
    after = text[match.end() :].lstrip()[:1]
    if run == "十" and after == "分":  # 十分 means "very"
        return None
    converts = (
        any(char in _CN_UNITS for char in run)
        or len(run) >= 2
        or (after != "" and after in _CN_CLASSIFIERS)
        or (before != "" and before in _CN_PREFIXES)
        or (
            after == "点"
            and re.match(
                r"点\s*(?:钟|半|整|[\d零一二三四五六七八九十]+\s*分)", text[match.end() :].lstrip()
            )
            is not None
        )
        or re.search(r"(?:上午|早上|中午|下午|晚上|凌晨)\s*$", text[: match.start()]) is not None
    )
    if not converts:
        return None  # 一起, 统一, 便宜一点: not numbers
    if run in ("万", "千", "百"):
        return None
    value = _cn_to_number(run)
    if value is None:
        return None
    if match.group(3):
        fraction = "".join(str(_CN_DIGITS[c]) for c in match.group(3))
        return f"{value}.{fraction}"
    return str(value)


def _words_to_numbers(words: list[str]) -> list[int]:
    """Values of a run of number words; "one two" is two numbers, "twenty five" is one."""
    values: list[int] = []
    total, current, last = 0, 0, ""
    started = False
    for word in words:
        word = word.lower()
        if word in _SCALES:
            scale = _SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
            last, started = "scale", True
            continue
        value = _WORD_VALUES[word]
        if started and (
            (value < 10 and last in ("unit", "teen"))
            or (value >= 10 and last in ("unit", "teen", "tens"))
        ):
            values.append(total + current)
            total, current = 0, 0
        current += value
        last = "unit" if value < 10 else "teen" if value < 20 else "tens"
        started = True
    values.append(total + current)
    return values


def _replace_number_words(match: re.Match[str]) -> str | None:
    span = match.group(0)
    words = re.findall(rf"\b(?:{_WORD})\b", span, re.IGNORECASE)
    if len(words) == 1 and words[0].lower() == "one":
        before = match.string[: match.start()]
        after = match.string[match.end() :]
        if _ONE_BEFORE.search(before) or _ONE_AFTER.match(after):
            return None
    if all(word.lower() in _SCALES for word in words):
        return None
    return " ".join(str(value) for value in _words_to_numbers(words))


def _normalise(text: str) -> _Text:
    result = _Text.of(_nfkc_per_char(text))
    result = result.sub(
        _CN_WEEKDAY, lambda m: f" {_WEEKDAYS[_CN_WEEKDAY_DAYS[m.group(1)]].title()} "
    )
    result = result.sub(_HALF_PRICE, lambda m: "50% off")
    result = result.sub(_CN_NUMBER, _replace_cn_number)
    return result.sub(_NUMBER_WORDS, _replace_number_words)


# --- extracting claims -----------------------------------------------------------------------

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONTH_RE = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAY_RE = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|"
    r"thur|thurs|fri|sat|sun)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_RANGE_SEP = r"\s*(?:-|to|and|through|until|till|thru)\s*(?:the\s+)?"

_CURRENCY_WORDS: list[tuple[str, str]] = [
    (r"singapore\s+dollars?|s\$|sgd", "SGD"),
    (r"us\$|usd|us\s+dollars?", "USD"),
    (r"yuan|rmb|cny|renminbi|kuai|元|块钱|块|人民币|¥", "CNY"),
    (r"euros?|eur|€", "EUR"),
    (r"dollars?|\$", "DOLLAR"),
]


def _currency(word: str) -> str:
    for pattern, code in _CURRENCY_WORDS:
        if re.fullmatch(pattern, word.strip(), re.IGNORECASE):
            return code
    return "DOLLAR"


_PREFIX_CURRENCY = r"(?<![A-Za-z])(?:S\$|US\$|SGD|USD|CNY|RMB|EUR|¥|€|\$|人民币)"
_SUFFIX_CURRENCY = (
    r"(?:singapore\s+dollars?|us\s+dollars?|dollars?|yuan|rmb|cny|renminbi|kuai|euros?|eur|"
    r"sgd|usd)\b|元|块钱|块|€"
)


def _month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    if name in _MONTHS:
        return _MONTHS.index(name) + 1
    return _MONTH_ABBR.index(name[:3]) + 1


def _weekday_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return _WEEKDAY_ABBR.index(name[:3])


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _fmt(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")


def _date_value(year: int | None, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


def _valid_day(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


class _Extractor:
    """Finds claims in one normalised text; earlier patterns win overlapping spans."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.norm = _normalise(original)
        self.text = self.norm.text
        self.taken = [False] * len(self.text)
        self.claims: list[tuple[int, Claim]] = []

    def run(self) -> list[Claim]:
        for pattern, handler in _PATTERNS:
            for match in pattern.finditer(self.text):
                if match.end() == match.start() or any(self.taken[match.start() : match.end()]):
                    continue
                claims = handler(self, match)
                if claims is None:
                    continue
                for index in range(match.start(), match.end()):
                    self.taken[index] = True
                self.claims.extend((match.start(), claim) for claim in claims)
        self.claims.sort(key=lambda pair: pair[0])
        return [claim for _, claim in self.claims]

    def span_text(self, match: re.Match[str]) -> str:
        start, end = self.norm.original_span(match.start(), match.end())
        return self.original[start:end]

    # Handlers return the claims of a match, or None to leave the span to later patterns.

    def iso_date(self, m: re.Match[str]) -> list[Claim] | None:
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if not _valid_day(month, day):
            return None
        return [self._date(m, year, month, day, None)]

    def cn_date(self, m: re.Match[str]) -> list[Claim] | None:
        year = int(m["y"]) if m["y"] else None
        month, day = int(m["m"]), int(m["d"])
        if not _valid_day(month, day):
            return None
        return [self._date(m, year, month, day, None)]

    def day_month(self, m: re.Match[str]) -> list[Claim] | None:
        month = _month_number(m["month"])
        year = int(m["y"]) if m["y"] else None
        weekday = _weekday_number(m["wd"]) if m["wd"] else None
        days = [int(m["d1"])] + ([int(m["d2"])] if m["d2"] else [])
        if not all(_valid_day(month, day) for day in days):
            return None
        return [
            self._date(m, year, month, day, weekday if i == 0 else None)
            for i, day in enumerate(days)
        ]

    def _date(
        self, m: re.Match[str], year: int | None, month: int, day: int, weekday: int | None
    ) -> Claim:
        value = _date_value(year, month, day)
        if weekday is not None:
            value = f"{_WEEKDAYS[weekday].title()} {value}"
        return Claim(
            ClaimKind.DATE, self.span_text(m), value, year=year, month=month, day=day,
            weekday=weekday,
        )  # fmt: skip

    def clock(self, m: re.Match[str]) -> list[Claim] | None:
        hour = int(m["h"])
        minute = int(m["min"] or (m.groupdict().get("min2") or 0))
        meridiem = (m["ampm"] or "").lower().replace(".", "").replace(" ", "")
        if minute > 59 or hour > 24 or (meridiem and not 1 <= hour <= 12):
            return None
        if meridiem == "pm" and hour != 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        return [self._time(m, ((hour, minute),))]

    def oclock(self, m: re.Match[str]) -> list[Claim] | None:
        hour = int(m["h"])
        if not 1 <= hour <= 12:
            return None
        readings = ((hour % 12, 0), (hour % 12 + 12, 0))
        return [self._time(m, readings)]

    def named_time(self, m: re.Match[str]) -> list[Claim] | None:
        if m.group(0).lower() in ("noon", "midday", "中午十二点"):
            return [self._time(m, ((12, 0),))]
        return [self._time(m, ((0, 0), (23, 59), (24, 0)))]

    def cn_time(self, m: re.Match[str]) -> list[Claim] | None:
        hour = int(m["h"])
        minute = 30 if m["half"] else int(m["min"] or 0)
        if hour > 24 or minute > 59:
            return None
        if m["period"] in ("下午", "晚上") and hour < 12:
            hour += 12
        return [self._time(m, ((hour, minute),))]

    def _time(self, m: re.Match[str], readings: tuple[tuple[int, int], ...]) -> Claim:
        value = "/".join(f"{h:02d}:{mi:02d}" for h, mi in readings)
        return Claim(ClaimKind.TIME, self.span_text(m), value, times=readings)

    def money(self, m: re.Match[str]) -> list[Claim] | None:
        amount = _decimal(m["amount"])
        currency = _currency(m["cur"]) if m["cur"] else None
        value = f"{_fmt(amount)} {currency}" if currency else _fmt(amount)
        return [Claim(ClaimKind.MONEY, self.span_text(m), value, amount=amount, currency=currency)]

    def money_off(self, m: re.Match[str]) -> list[Claim] | None:
        # "get 150 off" in facts: an amount of money without a currency.
        amount = _decimal(m["amount"])
        return [Claim(ClaimKind.MONEY, self.span_text(m), _fmt(amount), amount=amount)]

    def percent(self, m: re.Match[str]) -> list[Claim] | None:
        amount = _decimal(m["amount"])
        return [self._percent(m, amount)]

    def zhe(self, m: re.Match[str]) -> list[Claim] | None:
        # 八折 / 8折: pay 8 tenths, 20 percent off; 八五折 / 85折 / 8.5折: 15 percent off.
        paid = _decimal(m["amount"])
        if paid <= 0 or paid >= 100:
            return None
        off = Decimal(100) - (paid * 10 if paid < 10 else paid)
        return [self._percent(m, off)]

    def _percent(self, m: re.Match[str], amount: Decimal) -> Claim:
        return Claim(ClaimKind.PERCENT, self.span_text(m), f"{_fmt(amount)}%", amount=amount)

    def code(self, m: re.Match[str]) -> list[Claim] | None:
        code = m.group(0).upper()
        return [Claim(ClaimKind.CODE, self.span_text(m), code)]

    def month_year(self, m: re.Match[str]) -> list[Claim] | None:
        month = _month_number(m["month"])
        year = int(m["y"]) if m["y"] else None
        value = f"{year:04d}-{month:02d}" if year else calendar.month_name[month]
        return [Claim(ClaimKind.MONTH, self.span_text(m), value, year=year, month=month)]

    def cn_month(self, m: re.Match[str]) -> list[Claim] | None:
        month = int(m["m"])
        if not 1 <= month <= 12:
            return None
        year = int(m["y"]) if m["y"] else None
        value = f"{year:04d}-{month:02d}" if year else calendar.month_name[month]
        return [Claim(ClaimKind.MONTH, self.span_text(m), value, year=year, month=month)]

    def weekday(self, m: re.Match[str]) -> list[Claim] | None:
        number = _weekday_number(m.group(0))
        return [
            Claim(ClaimKind.WEEKDAY, self.span_text(m), _WEEKDAYS[number].title(), weekday=number)
        ]

    def ordinal(self, m: re.Match[str]) -> list[Claim] | None:
        amount = Decimal(m["n"])
        text = self.span_text(m)
        return [Claim(ClaimKind.ORDINAL, text, f"{m['n']}{m['suffix']}", amount=amount)]

    def cn_day(self, m: re.Match[str]) -> list[Claim] | None:
        amount = Decimal(m["n"])
        return [Claim(ClaimKind.ORDINAL, self.span_text(m), f"{m['n']}日", amount=amount)]

    def number(self, m: re.Match[str]) -> list[Claim] | None:
        amount = _decimal(m.group(0))
        before = self.text[: m.start()]
        previous = re.search(r"([^\W\d_][\w]*)\s*$", before)
        name = previous.group(1).lower() if previous else None
        kind = ClaimKind.NUMBER
        if previous and previous.group(1)[0].isupper():
            # "Aero X 200", "with Socks 3 for 2": a name. "Limit 2 pairs." starts a
            # sentence: a quantity whose first word happens to be capitalised.
            opening = before[: previous.start()].rstrip()
            if opening and opening[-1] not in ".!?:;(。！？：；\n":
                kind = ClaimKind.LABEL
        return [Claim(kind, self.span_text(m), _fmt(amount), amount=amount, name=name)]


def _p(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    # ASCII: "\\b" and "\\w" must see a boundary between "鞋" and "20%".
    return re.compile(pattern, flags | re.ASCII)


_Handler = Callable[[_Extractor, re.Match[str]], "list[Claim] | None"]

_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    (_p(r"(?<![\d.])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d])"),
     _Extractor.iso_date),
    (_p(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
     _Extractor.cn_date),
    # Weekday? day (range)? month year?: "Sunday, 29 November 2026", "27 to 29 November".
    (_p(rf"(?:\b(?P<wd>{_WEEKDAY_RE}),?\s+(?:the\s+)?)?\b(?P<d1>\d{{1,2}}){_ORD}"
        rf"(?:{_RANGE_SEP}(?P<d2>\d{{1,2}}){_ORD})?\s+(?:of\s+)?(?P<month>{_MONTH_RE})"
        rf"(?![a-z])(?:,?\s+(?P<y>\d{{4}})\b)?"),
     _Extractor.day_month),
    # Weekday? month day (range)? year?: "Sunday, November 29th, 2026", "November 27 to 29".
    (_p(rf"(?:\b(?P<wd>{_WEEKDAY_RE}),?\s+)?\b(?P<month>{_MONTH_RE})\s+(?:the\s+)?"
        rf"(?P<d1>\d{{1,2}}){_ORD}(?:{_RANGE_SEP}(?P<d2>\d{{1,2}}){_ORD})?\b(?!:)"
        rf"(?:,?\s+(?P<y>\d{{4}})\b)?"),
     _Extractor.day_month),
    (_p(r"\b(?P<h>\d{1,2})(?::(?P<min>\d{2})|\.(?P<min2>\d{2})(?=\s*[ap]\.?\s?m\b))?\s*"
        r"(?P<ampm>[ap]\.?\s?m\.?)(?![a-z])"),
     _Extractor.clock),
    (_p(r"(?<![\d.])(?P<h>\d{1,2}):(?P<min>\d{2})(?![\d])(?:\s*(?P<ampm>[ap]\.?\s?m\.?)"
        r"(?![a-z]))?"),
     _Extractor.clock),
    (_p(r"\b(?P<h>\d{1,2})\s*o'?\s?clock\b"), _Extractor.oclock),
    (_p(r"\b(?:noon|midday|midnight)\b"), _Extractor.named_time),
    (_p(r"(?P<period>上午|早上|中午|下午|晚上|凌晨)?\s*(?P<h>\d{1,2})\s*点\s*"
        r"(?:(?P<min>\d{1,2})\s*分|(?P<half>半)|钟|整)?"),
     _Extractor.cn_time),
    (_p(rf"(?P<cur>{_PREFIX_CURRENCY})\s*(?P<amount>{_NUM})"), _Extractor.money),
    (_p(rf"(?<![\w.])(?P<amount>{_NUM})\s*(?P<cur>{_SUFFIX_CURRENCY})"), _Extractor.money),
    (_p(rf"(?<![\w.])(?P<amount>{_NUM})\s*-?\s*(?:%|percent\b|per\s+cent\b|pct\b)"),
     _Extractor.percent),
    (_p(r"(?<![\w.])(?P<amount>\d+(?:\.\d+)?)\s*折"), _Extractor.zhe),
    (_p(rf"(?<![\w.])(?P<amount>{_NUM})\s+off\b"), _Extractor.money_off),
    (_p(r"\b[A-Z]{1,5}-\d+[A-Z0-9]*(?:-[A-Z0-9]+)*\b", 0), _Extractor.code),
    (_p(r"\b[a-z]+-\d+[a-z0-9]*(?:-[a-z0-9]+)*\b", 0), _Extractor.code),
    (_p(r"\b(?P<month>January|February|March|April|June|July|August|September|October|"
        r"November|December)\b(?:,?\s+(?P<y>\d{4})\b)?", 0),
     _Extractor.month_year),
    (_p(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月"), _Extractor.cn_month),
    (_p(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
     _Extractor.weekday),
    (_p(r"\b(?P<n>\d+)(?P<suffix>st|nd|rd|th)\b"), _Extractor.ordinal),
    (_p(r"(?P<n>\d{1,2})\s*[日号]"), _Extractor.cn_day),
    (_p(rf"(?<![\w.])(?:{_NUM})"), _Extractor.number),
    (_p(r"\d+"), _Extractor.number),  # digits glued to letters ("3for2")
]  # fmt: skip


def extract_claims(text: str) -> list[Claim]:
    """Every number-like claim in ``text``, in order of appearance."""
    return _Extractor(text).run()


# --- checking ----------------------------------------------------------------------------------


@dataclass(slots=True)
class FactSet:
    """The values a set of facts supports, parsed once and checked against many sentences."""

    numbers: set[Decimal] = field(default_factory=set)
    """Values a bare number may take (quantities, prices, years, ordinals; not percentages)."""
    plain_numbers: set[Decimal] = field(default_factory=set)
    """Bare quantities (no name before them): these may back a price."""
    names: set[tuple[str, Decimal]] = field(default_factory=set)
    """(word, number) pairs of names and codes ("x" 200 from "Aero X 200" and "AX-200"):
    a number inside a name backs the same name, never a quantity or a price."""
    percents: set[Decimal] = field(default_factory=set)
    money: set[tuple[Decimal, str | None]] = field(default_factory=set)
    dates: set[tuple[int | None, int, int]] = field(default_factory=set)
    days: set[int] = field(default_factory=set)
    months: set[tuple[int | None, int]] = field(default_factory=set)
    times: set[tuple[int, int]] = field(default_factory=set)
    weekdays: set[int] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    question_counts: set[Decimal] = field(default_factory=set)

    @classmethod
    def from_texts(cls, facts: Iterable[str], *, question: str = "") -> FactSet:
        """Parse ``facts`` (and the small counts, codes and weekdays of ``question``)."""
        fact_set = cls()
        fact_set.add_facts(facts)
        fact_set.add_question(question)
        return fact_set

    def add_facts(self, facts: Iterable[str]) -> None:
        """Add more facts (for example a tool result)."""
        for text in facts:
            for claim in extract_claims(text):
                self._add(claim)

    def add_question(self, question: str) -> None:
        """Allow the question's small counts, codes and weekdays to be repeated."""
        for claim in extract_claims(question):
            if claim.kind is ClaimKind.CODE:
                self.codes.add(_code_key(claim.value))
            elif claim.kind is ClaimKind.WEEKDAY and claim.weekday is not None:
                self.weekdays.add(claim.weekday)
            elif (
                claim.kind in (ClaimKind.NUMBER, ClaimKind.LABEL)
                and claim.amount is not None
                and 1 <= claim.amount <= SMALL_COUNT_MAX
                and claim.amount == claim.amount.to_integral_value()
            ):
                self.question_counts.add(claim.amount)

    def _add(self, claim: Claim) -> None:
        kind, amount = claim.kind, claim.amount
        if kind in (ClaimKind.NUMBER, ClaimKind.LABEL) and amount is not None and claim.name:
            self.names.add((claim.name, amount))
        if kind is ClaimKind.NUMBER and amount is not None:
            self.numbers.add(amount)
            self.plain_numbers.add(amount)
        elif kind is ClaimKind.PERCENT and amount is not None:
            self.percents.add(amount)  # not a bare number: "it is 20" would sound like a price
        elif kind is ClaimKind.MONEY and amount is not None:
            self.money.add((amount, claim.currency))
            self.numbers.add(amount)
        elif kind is ClaimKind.ORDINAL and amount is not None:
            self.numbers.add(amount)
            self.days.add(int(amount))
        elif kind is ClaimKind.DATE and claim.month and claim.day:
            self.dates.add((claim.year, claim.month, claim.day))
            self.days.add(claim.day)
            self.months.add((claim.year, claim.month))
            if claim.year:
                self.numbers.add(Decimal(claim.year))
                self.weekdays.add(date(claim.year, claim.month, claim.day).weekday())
            if claim.weekday is not None:
                self.weekdays.add(claim.weekday)
        elif kind is ClaimKind.MONTH and claim.month:
            self.months.add((claim.year, claim.month))
            if claim.year:
                self.numbers.add(Decimal(claim.year))
        elif kind is ClaimKind.TIME:
            self.times.update(claim.times)
        elif kind is ClaimKind.WEEKDAY and claim.weekday is not None:
            self.weekdays.add(claim.weekday)
        elif kind is ClaimKind.CODE:
            self.codes.add(_code_key(claim.value))
            for letters, digits in re.findall(r"([A-Z]+)-(\d+)", claim.value):
                self.names.add((letters.lower(), Decimal(digits)))

    def check(self, answer_text: str) -> FactCheck:
        """Check every claim of ``answer_text`` against these facts."""
        claims = extract_claims(answer_text)
        violations = []
        for claim in claims:
            reason = self._unsupported_reason(claim)
            if reason is not None:
                violations.append(Violation(claim, reason))
        return FactCheck(tuple(claims), tuple(violations))

    def _unsupported_reason(self, claim: Claim) -> str | None:
        kind, amount = claim.kind, claim.amount
        if kind in (ClaimKind.NUMBER, ClaimKind.LABEL) and amount is not None:
            if (
                amount in self.numbers
                or amount in self.question_counts
                or (claim.name is not None and (claim.name, amount) in self.names)
            ):
                return None
            return "number not in the facts"
        if kind is ClaimKind.PERCENT:
            return None if amount in self.percents else "percentage not in the facts"
        if kind is ClaimKind.MONEY and amount is not None:
            if amount in self.plain_numbers or any(
                value == amount and _same_currency(claim.currency, currency)
                for value, currency in self.money
            ):
                return None
            return "price not in the facts"
        if kind is ClaimKind.DATE and claim.month and claim.day:
            matching_years = [
                year
                for year, month, day in self.dates
                if (month, day) == (claim.month, claim.day)
                and (claim.year is None or year is None or year == claim.year)
            ]
            if not matching_years:
                return "date not in the facts"
            if claim.weekday is not None:
                years = {claim.year} if claim.year else {y for y in matching_years if y}
                if years and all(
                    date(year, claim.month, claim.day).weekday() != claim.weekday for year in years
                ):
                    return "weekday does not match the date"
            return None
        if kind is ClaimKind.ORDINAL and amount is not None:
            if int(amount) in self.days or amount in self.numbers:
                return None
            if amount in self.question_counts:
                return None
            return "day or number not in the facts"
        if kind is ClaimKind.TIME:
            return None if any(t in self.times for t in claim.times) else "time not in the facts"
        if kind is ClaimKind.WEEKDAY:
            return None if claim.weekday in self.weekdays else "weekday not in the facts"
        if kind is ClaimKind.MONTH and claim.month:
            if any(
                month == claim.month and (claim.year is None or year in (None, claim.year))
                for year, month in self.months
            ):
                return None
            return "month not in the facts"
        if kind is ClaimKind.CODE:
            return None if _code_key(claim.value) in self.codes else "code not in the facts"
        return "claim not understood"


def _code_key(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


def _same_currency(claimed: str | None, stated: str | None) -> bool:
    if claimed is None or stated is None or claimed == stated:
        return True
    dollars = {"DOLLAR", "SGD", "USD"}
    return "DOLLAR" in (claimed, stated) and claimed in dollars and stated in dollars


def check_facts(answer_text: str, facts: Iterable[str], *, question: str = "") -> FactCheck:
    """Check that every number-like claim in ``answer_text`` is supported by ``facts``.

    Args:
        answer_text: The text to be spoken (a sentence or a whole answer).
        facts: Knowledge-base text and tool results the answer may use.
        question: The clerk's question; its small counts (one to ten), codes and weekdays
            may be repeated.

    Returns:
        Every claim found and the ones the facts do not support.
    """
    return FactSet.from_texts(facts, question=question).check(answer_text)


def invented_numbers(answer_text: str, facts: Iterable[str], *, question: str = "") -> list[str]:
    """The number-like claims of ``answer_text`` its facts do not support, as short values.

    The one invented-number check: the runtime guard and ``voice-agent bench answers`` both
    call it (through :func:`check_facts`). Amounts are given without their unit (``"25"``
    for "25 percent", ``"674.25"`` for "674.25 yuan"); dates, times, codes and weekdays as
    written.
    """
    check = check_facts(answer_text, facts, question=question)
    return [
        _fmt(claim.amount) if claim.amount is not None else claim.text
        for claim in check.unsupported
    ]
