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

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from knowledge_base.claim_extraction import extract_claims, format_amount
from knowledge_base.claims import Claim, ClaimKind


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
        format_amount(claim.amount) if claim.amount is not None else claim.text
        for claim in check.unsupported
    ]
