"""The answer benchmark's scoring rule: one answer measured against its question fixture.

:func:`score_answer` is usable on its own, for callers that produce the answer some other
way (for example after replaying the question's audio through speech recognition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from knowledge_base.answering import ABOUT_TOGETHER, Answer, AnswerSource
from knowledge_base.fact_guard import invented_numbers
from knowledge_base.number_words import normalise
from knowledge_base.rate_check import misquoted_rates
from voice_agent.benchmarks.answer_fixtures import QuestionFixture, Target

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


class Outcome(StrEnum):
    """How one answer measured up, from best to worst."""

    CORRECT = "correct"
    CLARIFY = "clarify"
    """A clarifying question (acceptable only where the fixture says ``clarify_ok``)."""
    UNKNOWN = "unknown"
    """An honest "I don't know" where an answer was expected."""
    WRONG_TARGET = "wrong_target"
    """A confident answer about another promotion, product or store than asked."""
    WRONG = "wrong"


@dataclass(slots=True)
class ScoredAnswer:
    """How one answer measured up to its fixture."""

    id: str
    kind: str
    question: str
    answer: str
    source: str
    correct: bool
    outcome: str = Outcome.WRONG.value
    missing: list[str] = field(default_factory=list)
    """Required phrases the answer lacks."""
    forbidden: list[str] = field(default_factory=list)
    """Forbidden phrases the answer contains."""
    off_target: list[str] = field(default_factory=list)
    """How the answer missed its target ("promotion coffee-fair, expected black-week")."""
    invented_numbers: list[str] = field(default_factory=list)
    """Claims in the answer that its facts do not back (the runtime fact guard's check)."""
    latency_ms: float | None = None


def off_target(target: Target | None, answer: Answer) -> list[str]:
    """Ways ``answer`` is about something else than ``target``.

    Read from ``answer.promotion_ids`` (the first is what the answer is about) and the
    answerer's ``detail`` keys ``products`` and ``store_id`` where it reports them.
    """
    if target is None:
        return []
    misses: list[str] = []
    about = answer.promotion_ids
    if target.promotion == "none":
        if about:
            misses.append(f"promotion {about[0]}, expected none")
    elif target.promotion and about and about[0] != target.promotion:
        # A basket priced by several offers, or two offers asked to combine, is about each.
        together = answer.detail.get(ABOUT_TOGETHER)
        if not (isinstance(together, list) and target.promotion in together):
            misses.append(f"promotion {about[0]}, expected {target.promotion}")
    products = answer.detail.get("products")
    if target.product and isinstance(products, list) and products:
        if target.product not in products:
            misses.append(f"product {products[0]}, expected {target.product}")
    store = answer.detail.get("store_id")
    if target.store and isinstance(store, str) and store != target.store:
        misses.append(f"store {store}, expected {target.store}")
    return misses


_PERCENT = re.compile(r"\s*\b(?:percent|per cent)\b", re.IGNORECASE)


def says(text: str, phrase: str) -> bool:
    """Whether ``text`` says ``phrase``, word for word or as the same figure.

    Figures are compared as the runtime fact guard reads them (:func:`normalise`): "half
    price" and "50 percent off" are one claim, and so are "three" and "3".
    """
    if phrase.lower() in text.lower():
        return True
    return _figures(phrase) in _figures(text)


def _figures(text: str) -> str:
    return _PERCENT.sub("%", normalise(text).text).lower()


def score_answer(
    question_fixture: QuestionFixture,
    answer: Answer,
    *,
    question_text: str | None = None,
    knowledge: KnowledgeBase | None = None,
    asked_at: datetime | None = None,
) -> ScoredAnswer:
    """Score ``answer`` against its fixture (``question_text``: what was actually asked).

    With ``knowledge`` and ``asked_at``, a percentage the answer gives an item that the
    pricing engine does not give it then (:func:`knowledge_base.rate_check.misquoted_rates`)
    counts as an invented number too, though the fact guard finds it in the facts.
    """
    asked = question_text or question_fixture.text
    missing = [p for p in question_fixture.answer_must_contain if not says(answer.text, p)]
    forbidden = [p for p in question_fixture.answer_must_not_contain if says(answer.text, p)]
    invented = invented_numbers(answer.text, answer.facts, question=asked)
    if knowledge is not None and asked_at is not None:
        store = str(answer.detail.get("store_id") or question_fixture.store)
        invented += misquoted_rates(answer.text, knowledge, store, asked_at)
    expects_unknown = question_fixture.kind == "unknown"
    misses: list[str] = []
    if answer.source is AnswerSource.CLARIFY:
        outcome = Outcome.CLARIFY
    elif answer.source is AnswerSource.UNKNOWN and not expects_unknown:
        outcome = Outcome.UNKNOWN
    else:
        if answer.source not in (AnswerSource.UNKNOWN, AnswerSource.REFUSED):
            misses = off_target(question_fixture.target, answer)
        if misses:
            outcome = Outcome.WRONG_TARGET
        elif missing or forbidden:
            outcome = Outcome.WRONG
        else:
            outcome = Outcome.CORRECT
    return ScoredAnswer(
        id=question_fixture.id,
        kind=question_fixture.kind,
        question=asked,
        answer=answer.text,
        source=answer.source.value,
        correct=outcome is Outcome.CORRECT,
        outcome=outcome.value,
        missing=missing,
        forbidden=forbidden,
        off_target=misses,
        invented_numbers=invented,
    )
