"""How numbers, money, percentages and dates are written for the ear (and read back).

One spelling everywhere, chosen for Piper and for the fact guard:

* percentages: ``20 percent`` (zh-CN ``20%``);
* money: the amount with two decimals only when it has cents, then the currency's spoken
  name: ``899 yuan``, ``719.20 yuan``, ``128.44 Singapore dollars`` (zh-CN ``719.20元``);
  no thousands separators, so the digits match the knowledge base exactly;
* dates: weekday, day, month: ``Sunday 29 November`` (the year only when it differs from
  the year of the question); zh-CN ``11月29日星期日``;
* times: 24-hour ``18:00``.

:func:`numbers_in` reads numbers back out of any text (answers, facts) so a check can
compare them as values: ``719.2`` and ``719.20`` are the same number.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from knowledge_base.models import Currency, is_chinese

CENT = Decimal("0.01")
_WEEKDAYS_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def to_cents(amount: Decimal) -> Decimal:
    """Round half up to cents."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(amount: Decimal) -> str:
    """``899`` for whole amounts, ``719.20`` otherwise (never scientific notation)."""
    cents = to_cents(amount)
    if cents == cents.to_integral_value():
        return f"{cents:.0f}"
    return f"{cents:.2f}"


def number_text(value: Decimal | int) -> str:
    """A plain number without trailing zeros: ``20``, ``12.5``."""
    if isinstance(value, int):
        return str(value)
    normal = value.normalize()
    return f"{normal:f}" if normal != normal.to_integral_value() else f"{normal:.0f}"


def money(amount: Decimal, currency: Currency, language: str = "en") -> str:
    """``719.20 yuan`` / ``719.20元``."""
    if is_chinese(language):
        return f"{amount_text(amount)}{currency.name.best(language)}"
    return f"{amount_text(amount)} {currency.name.en}"


def percent(value: Decimal | int, language: str = "en") -> str:
    """``20 percent`` / ``20%``."""
    if is_chinese(language):
        return f"{number_text(value)}%"
    return f"{number_text(value)} percent"


def spoken_date(moment: datetime, language: str = "en", *, with_year: bool = False) -> str:
    """``Sunday 29 November`` (``Sunday 29 November 2026``) / ``11月29日星期日``."""
    if is_chinese(language):
        year = f"{moment.year}年" if with_year else ""
        return f"{year}{moment.month}月{moment.day}日{_WEEKDAYS_ZH[moment.weekday()]}"
    year = f" {moment.year}" if with_year else ""
    return f"{moment:%A} {moment.day} {moment:%B}{year}"


def spoken_time(moment: datetime) -> str:
    """24-hour clock: ``18:00``."""
    return f"{moment:%H:%M}"


_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[Decimal]:
    """Every number written with digits in ``text``, as values (``1,200`` -> ``1200``).

    Digits inside codes count too (``AX-200`` -> ``200``), so a check that every number in
    an answer appears in its facts also covers product codes.
    """
    return [Decimal(match.replace(",", "")) for match in _NUMBER.findall(text)]


def invented_numbers(text: str, sources: list[str]) -> list[Decimal]:
    """Numbers in ``text`` that ``sources`` do not back, by the fact guard's own check.

    Kept for callers that want values; it is :func:`knowledge_base.fact_guard.check_facts`
    (the runtime guard) underneath, so a percentage needs a percentage, a price a price.
    """
    from knowledge_base.fact_guard import check_facts

    invented: list[Decimal] = []
    for claim in check_facts(text, sources).unsupported:
        if claim.amount is not None:
            invented.append(claim.amount)
        else:
            invented.extend(numbers_in(claim.text))
    return invented
