"""Number words and Chinese numerals rewritten as digits, remembering original positions.

``twenty-five`` -> ``25``, ``一百五十`` -> ``150``, ``星期六`` -> ``Saturday``, ``half price``
-> ``50% off``; :func:`normalise` is the first step of claim extraction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


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


ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
"""Ordinal words up to a day of the month, by value; "twenty"/"thirty" before one add its tens."""
ORDINAL_TENS = {"twenty": 20, "thirty": 30}
"""Tens said before an ordinal unit ("thirty first")."""

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

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


def normalise(text: str) -> _Text:
    """``text`` with number words, Chinese numerals and weekdays as digits and names."""
    result = _Text.of(_nfkc_per_char(text))
    result = result.sub(
        _CN_WEEKDAY, lambda m: f" {WEEKDAYS[_CN_WEEKDAY_DAYS[m.group(1)]].title()} "
    )
    result = result.sub(_HALF_PRICE, lambda m: "50% off")
    result = result.sub(_CN_NUMBER, _replace_cn_number)
    return result.sub(_NUMBER_WORDS, _replace_number_words)
