"""One benchmark run over a chain's questions, and its report (counts per intent, latency)."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge_base.answering import Answer, Answerer, AnswerSource
from voice_agent.benchmarks.answer_fixtures import (
    DEFAULT_CONTACT,
    QuestionSet,
    make_question,
)
from voice_agent.benchmarks.answer_scoring import Outcome, ScoredAnswer, score_answer

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


@dataclass(slots=True)
class IntentCounts:
    """Outcomes of the questions of one intent."""

    questions: int = 0
    correct: int = 0
    wrong_target: int = 0
    unknown: int = 0
    clarify: int = 0
    wrong: int = 0
    invented_numbers: int = 0

    def add(self, scored: ScoredAnswer) -> None:
        """Count one scored answer."""
        self.questions += 1
        outcome = Outcome(scored.outcome)
        if outcome is Outcome.CORRECT:
            self.correct += 1
        elif outcome is Outcome.WRONG_TARGET:
            self.wrong_target += 1
        elif outcome is Outcome.UNKNOWN:
            self.unknown += 1
        elif outcome is Outcome.CLARIFY:
            self.clarify += 1
        else:
            self.wrong += 1
        self.invented_numbers += bool(scored.invented_numbers)


@dataclass(slots=True)
class AnswersReport:
    """Totals over one chain's question set."""

    chain: str
    answerer: str
    questions: int
    correct: int
    wrong_target: int
    clarify: int
    clarify_acceptable: int
    """Clarifying questions asked where the fixture allows one."""
    invented_numbers: int
    """Answers containing at least one claim their facts do not back."""
    unknown: int
    """Answers whose source is ``unknown`` (including the expected ones)."""
    fallback: int
    refused: int
    latency_p50_ms: float
    latency_p95_ms: float
    per_intent: dict[str, IntentCounts]
    results: list[ScoredAnswer]

    @property
    def accuracy(self) -> float:
        """Share of questions answered correctly, 0..1."""
        return self.correct / self.questions if self.questions else 0.0

    @property
    def ok(self) -> bool:
        """Every answer right (or an allowed clarifying question), no invented number."""
        return self.correct + self.clarify_acceptable == self.questions and not (
            self.invented_numbers
        )

    def to_json(self) -> dict[str, object]:
        """The report as plain data, with its accuracy."""
        payload = asdict(self)
        payload["accuracy"] = self.accuracy
        return payload


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run_answers(
    answerer: Answerer,
    question_set: QuestionSet,
    zone_of: dict[str, str],
    *,
    chain: str = "sample",
    knowledge: KnowledgeBase | None = None,
    heard: dict[str, str] | None = None,
) -> AnswersReport:
    """Ask every question (text) and score the answers.

    ``knowledge``: also check each percentage an answer gives an item against the pricing
    engine (see :func:`~voice_agent.benchmarks.answer_scoring.score_answer`).
    ``heard``: question id -> what speech recognition wrote for it
    (:func:`~voice_agent.benchmarks.answers_heard.load_heard`); only those questions are
    asked, each as it was heard. An empty transcript scores as unknown, as in a spoken run.
    """
    results: list[ScoredAnswer] = []
    for fixture in question_set.questions:
        text = None if heard is None else heard.get(fixture.id)
        if heard is not None and text is None:
            continue
        question = make_question(fixture, question_set, zone_of, text=text)
        started = time.perf_counter()
        if question.text:
            answer = await answerer.answer(question)
        else:
            answer = Answer(text="", source=AnswerSource.UNKNOWN)  # nothing was heard
        elapsed = (time.perf_counter() - started) * 1000
        scored = score_answer(
            fixture,
            answer,
            question_text=question.text,
            knowledge=knowledge,
            asked_at=question.asked_at,
        )
        scored.latency_ms = round(elapsed, 3)
        results.append(scored)
    return summarize(results, question_set, answerer=answerer.name, chain=chain)


def summarize(
    results: list[ScoredAnswer], question_set: QuestionSet, *, answerer: str, chain: str
) -> AnswersReport:
    """Totals, per-intent counts and answer-time percentiles of scored answers."""
    clarify_ok = {fixture.id: fixture.clarify_ok for fixture in question_set.questions}
    per_intent: dict[str, IntentCounts] = {}
    for scored in results:
        per_intent.setdefault(scored.kind, IntentCounts()).add(scored)
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    clarify = [r for r in results if r.outcome == Outcome.CLARIFY]
    return AnswersReport(
        chain=chain,
        answerer=answerer,
        questions=len(results),
        correct=sum(r.correct for r in results),
        wrong_target=sum(r.outcome == Outcome.WRONG_TARGET for r in results),
        clarify=len(clarify),
        clarify_acceptable=sum(clarify_ok[r.id] for r in clarify),
        invented_numbers=sum(bool(r.invented_numbers) for r in results),
        unknown=sum(r.source == AnswerSource.UNKNOWN for r in results),
        fallback=sum(r.source == AnswerSource.FALLBACK for r in results),
        refused=sum(r.source == AnswerSource.REFUSED for r in results),
        latency_p50_ms=round(percentile(latencies, 50), 3),
        latency_p95_ms=round(percentile(latencies, 95), 3),
        per_intent=dict(sorted(per_intent.items())),
        results=results,
    )


def build_grounded(
    knowledge_path: Path | None = None, contact: str = DEFAULT_CONTACT
) -> tuple[Answerer, dict[str, str]]:
    """The grounded answerer over a knowledge base, and each store's time zone."""
    from knowledge_base.grounded import GroundedAnswerer
    from knowledge_base.loader import load_knowledge_base

    knowledge = load_knowledge_base(knowledge_path)
    zones = {store_id: knowledge.zone_name(store_id) or "UTC" for store_id in knowledge.stores}
    return GroundedAnswerer(knowledge=knowledge, default_contact=contact), zones


def build_configured(
    knowledge_path: Path | None, kind: str, contact: str, config: Path | None = None
) -> tuple[Answerer, dict[str, str]]:
    """The answerer the settings configure (``openai``: the LLM endpoint, fact-guarded)."""
    from knowledge_base.loader import load_knowledge_base
    from voice_agent.answerers.factory import build_answerer
    from voice_agent.settings import load_settings

    settings = load_settings(config)
    answerer_settings = settings.answerer.model_copy(update={"kind": kind, "contact": contact})
    settings = settings.model_copy(update={"answerer": answerer_settings})
    knowledge = load_knowledge_base(knowledge_path)
    zones = {store_id: knowledge.zone_name(store_id) or "UTC" for store_id in knowledge.stores}
    return build_answerer(settings, knowledge), zones
