"""Scoring a spoken quiz answer against the facts of its question.

Numbers are read from the transcript with the fact guard's extractor
(:func:`knowledge_base.fact_guard.extract_claims`), so "twenty percent", "20%",
"百分之二十" and "八折" are all 20 percent, and "two pairs" / "两双" are 2; spelled day
ordinals in a date ("the twenty ninth") are read too. Items are found with the catalogue
matcher, which tolerates recognition spellings ("a x two hundred limited").

The verdict has two parts. **Numbers**: every expected number must be said, and no number
may be said that the version does not hold (a wrong number is a fail even when the right
one is said too). **Everything else** (items, yes or no, key words): matched by rules; an
optional :class:`Judge` (an LLM, say) may accept an answer the rules did not, but only this
part, so it can never pass a wrong or missing number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from knowledge_base import catalogue_lookup
from knowledge_base.claim_extraction import extract_claims
from knowledge_base.claims import Claim, ClaimKind
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.matching import compact, tokens
from knowledge_base.number_words import ORDINAL_TENS, ORDINAL_UNITS
from knowledge_base.quiz import QuestionKind, QuizQuestion
from knowledge_base.quiz_facts import without_names


class Judge(Protocol):
    """A second opinion on the non-number part of an answer (``None``: no opinion)."""

    def __call__(self, question: QuizQuestion, heard: str) -> bool | None:
        """True when ``heard`` answers ``question`` (numbers are checked elsewhere)."""
        ...


@dataclass(frozen=True, slots=True)
class QuizResult:
    """One clerk's answer to one question."""

    question_id: str
    clerk: str
    kind: QuestionKind
    heard: str
    passed: bool
    reasons: tuple[str, ...]
    """Why it failed (empty when it passed)."""
    replay: str | None
    """The rule to speak again after a fail."""
    judged_by: str
    """``rules``, or ``judge`` when the judge accepted what the rules did not."""
    answered_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain values for JSON and storage."""
        return {
            "question_id": self.question_id,
            "clerk": self.clerk,
            "kind": self.kind.value,
            "heard": self.heard,
            "passed": self.passed,
            "reasons": list(self.reasons),
            "replay": self.replay,
            "judged_by": self.judged_by,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
        }


def score_answer(
    question: QuizQuestion,
    heard: str,
    *,
    knowledge: KnowledgeBase,
    clerk: str = "",
    judge: Judge | None = None,
    at: datetime | None = None,
) -> QuizResult:
    """Score the transcript ``heard`` (answered at ``at``) against ``question``."""
    quizzed = knowledge.promotions.get(question.promotion_id)
    claims = extract_claims(_spell_ordinals(without_names(heard, knowledge, quizzed)))
    number_problems = _number_problems(question, claims)
    other_problems = _other_problems(question, heard, knowledge)
    judged_by = "rules"
    if not number_problems and other_problems and judge is not None:
        if judge(question, heard) is True:
            other_problems, judged_by = [], "judge"
    reasons = tuple(number_problems + other_problems)
    return QuizResult(
        question_id=question.id,
        clerk=clerk,
        kind=question.kind,
        heard=heard,
        passed=not reasons,
        reasons=reasons,
        replay=question.rule if reasons else None,
        judged_by=judged_by,
        answered_at=at,
    )


def passed_at(results: Iterable[QuizResult], question_ids: Iterable[str]) -> datetime | None:
    """When one clerk had passed every question of a quiz (retries count), or ``None``.

    That is the latest of each question's first passing answer.
    """
    first: dict[str, datetime] = {}
    for result in results:
        if result.passed and result.answered_at is not None:
            known = first.get(result.question_id)
            first[result.question_id] = (
                min(known, result.answered_at) if known else result.answered_at
            )
    wanted = list(question_ids)
    if not wanted or any(question not in first for question in wanted):
        return None
    return max(first[question] for question in wanted)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _number_problems(question: QuizQuestion, claims: list[Claim]) -> list[str]:
    expected = question.expected
    percents = {c.amount for c in claims if c.kind is ClaimKind.PERCENT and c.amount is not None}
    numbers = {
        c.amount
        for c in claims
        if c.kind in (ClaimKind.NUMBER, ClaimKind.MONEY, ClaimKind.ORDINAL) and c.amount is not None
    }
    dates = {(c.month, c.day) for c in claims if c.kind is ClaimKind.DATE and c.day}
    weekdays = {c.weekday for c in claims if c.kind is ClaimKind.WEEKDAY}
    problems: list[str] = []
    for value in sorted(percents - question.allowed_percents - set(expected.percents)):
        problems.append(f"said {_fmt(value)} percent, which the rule does not say")
    bare_percents = set(expected.percents) if question.kind is QuestionKind.DISCOUNT else set()
    day_numbers = {Decimal(expected.last_day[1])} if expected.last_day else set()
    # A bare number may be a percentage said without "percent" ("members save another five").
    known = (
        question.allowed_numbers
        | question.allowed_percents
        | set(expected.numbers)
        | bare_percents
        | day_numbers
    )
    for value in sorted(numbers - known):
        problems.append(f"said {_fmt(value)}, which the rule does not say")
    for value in expected.percents:
        if value not in percents and value not in (numbers & bare_percents):
            problems.append(f"did not say {_fmt(value)} percent")
    for value in expected.numbers:
        if value not in numbers:
            problems.append(f"did not say {_fmt(value)}")
    if expected.last_day is not None:
        month, day = expected.last_day
        wrong_dates = {d for d in dates if d != (month, day)}
        if wrong_dates or (expected.weekday is not None and weekdays - {expected.weekday}):
            problems.append("said another day than the last day")
        elif not (
            (month, day) in dates
            or Decimal(day) in numbers
            or (expected.weekday is not None and expected.weekday in weekdays)
        ):
            problems.append("did not say the last day")
    return problems


_NO_EN = frozenset("no not cannot can't cant don't doesn't won't never nope isn't aren't".split())
_YES_EN = frozenset("yes yeah yep sure can does do it's combinable stacks stack together".split())
_NO_ZH = ("不", "没", "别")
_YES_ZH = ("可以", "能", "行", "是的", "对")


def yes_or_no(heard: str) -> bool | None:
    """``False`` for a no ("no", "can't", "不能"), ``True`` for a yes, ``None`` if neither."""
    text = heard.lower().replace("’", "'")
    if any(marker in text for marker in _NO_ZH):
        return False
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", text)
    if any(word in _NO_EN for word in words):
        return False
    if any(word in _YES_EN for word in words) or any(marker in text for marker in _YES_ZH):
        return True
    return None


def _other_problems(question: QuizQuestion, heard: str, knowledge: KnowledgeBase) -> list[str]:
    expected = question.expected
    problems: list[str] = []
    if expected.skus:
        named = {match.sku for match in catalogue_lookup.find_products(knowledge, heard)}
        problems += [f"did not name {sku}" for sku in expected.skus if sku not in named]
    if expected.yes is not None:
        said = yes_or_no(heard)
        if said is None:
            problems.append("did not say yes or no")
        elif said is not expected.yes:
            problems.append(
                f"said {'yes' if said else 'no'}; the answer is {'yes' if expected.yes else 'no'}"
            )
    if expected.keywords:
        words = " ".join(tokens(heard))
        squeezed = compact(heard)
        if not any(
            (compact(k) in squeezed)
            if not k.isascii()
            else f" {' '.join(tokens(k))} " in f" {words} "
            for k in expected.keywords
        ):
            problems.append("did not say which items it is about")
    return problems


_ORDINAL_WORD = (
    rf"(?:(?P<tens>{'|'.join(ORDINAL_TENS)})[\s-]+)?(?P<unit>" + "|".join(ORDINAL_UNITS) + r")"
)
# Only in a date: "the twenty ninth", "Sunday the 29th", "twenty ninth of November".
_SPELLED_DAYS = (
    re.compile(rf"(?<=\bthe\s){_ORDINAL_WORD}\b", re.IGNORECASE),
    re.compile(rf"\b{_ORDINAL_WORD}(?=\s+of\b)", re.IGNORECASE),
)


def _spell_ordinals(text: str) -> str:
    def digits(match: re.Match[str]) -> str:
        groups = {k: v for k, v in match.groupdict().items() if v}
        tens = ORDINAL_TENS.get(groups.get("tens", "").lower(), 0)
        value = tens + ORDINAL_UNITS[groups["unit"].lower()]
        return f"{value}th" if value <= 31 else match.group(0)

    for pattern in _SPELLED_DAYS:
        text = pattern.sub(digits, text)
    return text
