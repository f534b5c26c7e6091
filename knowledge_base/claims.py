"""Claims: the number-like spans a text states (a price, a percentage, a date, a code).

Made by :func:`knowledge_base.claim_extraction.extract_claims`, checked by
:mod:`knowledge_base.fact_guard`.
"""

from __future__ import annotations

from dataclasses import dataclass
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
