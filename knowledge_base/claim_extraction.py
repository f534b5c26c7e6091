"""Claim extraction: every number-like claim in English or basic Chinese text.

The one extractor for facts and answers alike (see :mod:`knowledge_base.fact_guard` for
what it reads), so both sides are compared by value, not by formatting.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from decimal import Decimal

from knowledge_base.claims import Claim, ClaimKind
from knowledge_base.number_words import WEEKDAYS, normalise

_WEEKDAY_ABBR = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_MONTH_ABBR = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

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


def format_amount(amount: Decimal) -> str:
    """``1366.48``, ``20`` (no trailing zeros, no exponent)."""
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
        self.norm = normalise(original)
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
            value = f"{WEEKDAYS[weekday].title()} {value}"
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
        value = f"{format_amount(amount)} {currency}" if currency else format_amount(amount)
        return [Claim(ClaimKind.MONEY, self.span_text(m), value, amount=amount, currency=currency)]

    def money_off(self, m: re.Match[str]) -> list[Claim] | None:
        # "get 150 off" in facts: an amount of money without a currency.
        amount = _decimal(m["amount"])
        return [Claim(ClaimKind.MONEY, self.span_text(m), format_amount(amount), amount=amount)]

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
        return Claim(
            ClaimKind.PERCENT, self.span_text(m), f"{format_amount(amount)}%", amount=amount
        )

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
            Claim(ClaimKind.WEEKDAY, self.span_text(m), WEEKDAYS[number].title(), weekday=number)
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
        return [Claim(kind, self.span_text(m), format_amount(amount), amount=amount, name=name)]


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
    # "5100日元" is yen, not the 00th: no day inside a longer number or before 元.
    (_p(r"(?<![\d.])(?P<n>\d{1,2})\s*[日号](?!元)"), _Extractor.cn_day),
    (_p(rf"(?<![\w.])(?:{_NUM})"), _Extractor.number),
    (_p(r"\d+"), _Extractor.number),  # digits glued to letters ("3for2")
]  # fmt: skip


def extract_claims(text: str) -> list[Claim]:
    """Every number-like claim in ``text``, in order of appearance."""
    return _Extractor(text).run()


# --- checking ----------------------------------------------------------------------------------
