"""``voice-agent bench answers``: every fixture question through an answerer, scored.

Reports accuracy (every ``answer_must_contain`` present, no ``answer_must_not_contain``),
invented numbers (numbers in an answer that its facts do not hold), unknown/fallback counts
and answer latency p50/p95. The question file is ``tests/fixtures/questions.yaml``.

:func:`score_answer` is the scoring rule on its own, for callers that produce the answer
some other way (for example after replaying the question's audio through speech
recognition).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer
import yaml
from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.answering import Answer, Answerer, AnswerSource, Question, Role
from knowledge_base.speech import invented_numbers

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_QUESTIONS = PROJECT_ROOT / "tests" / "fixtures" / "questions.yaml"
DEFAULT_CONTACT = "the promotions desk at headquarters, extension 1000"


class QuestionFixture(BaseModel):
    """One spoken question and what its answer must say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    """Also the audio file stem: ``tests/fixtures/audio/questions/<id>.wav``."""
    text: str
    language: str = "en"
    spoken: bool = True
    """An audio fixture exists for it (English only)."""
    store: str = "SH-01"
    role: Role = Role.CLERK
    transcript_keywords: list[str] = []
    """Lowercase words a speech-recognition transcript must contain."""
    answer_must_contain: list[str] = Field(min_length=1)
    """Case-insensitive substrings of the answer text."""
    answer_must_not_contain: list[str] = []
    kind: str


class QuestionSet(BaseModel):
    """The whole ``questions.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference_time: datetime
    """Naive: wall-clock time at each question's own store."""
    default_store: str = "SH-01"
    questions: list[QuestionFixture] = Field(min_length=1)


def load_questions(path: Path = DEFAULT_QUESTIONS) -> QuestionSet:
    """Read and validate a question file."""
    with path.open(encoding="utf-8") as handle:
        return QuestionSet.model_validate(yaml.safe_load(handle))


def make_question(
    fixture: QuestionFixture,
    question_set: QuestionSet,
    zone_of: dict[str, str],
    text: str | None = None,
) -> Question:
    """The :class:`Question` for a fixture, asked at the reference time in its store's zone.

    ``text`` replaces the fixture text (a speech-recognition transcript, for example).
    """
    from zoneinfo import ZoneInfo

    at = question_set.reference_time.replace(tzinfo=ZoneInfo(zone_of[fixture.store]))
    return Question(
        text=fixture.text if text is None else text,
        role=fixture.role,
        store_id=fixture.store,
        language=fixture.language,
        asked_at=at,
    )


@dataclass(slots=True)
class ScoredAnswer:
    """How one answer measured up to its fixture."""

    id: str
    kind: str
    question: str
    answer: str
    source: str
    correct: bool
    missing: list[str] = field(default_factory=list)
    """Required phrases the answer lacks."""
    forbidden: list[str] = field(default_factory=list)
    """Forbidden phrases the answer contains."""
    invented_numbers: list[str] = field(default_factory=list)
    """Numbers in the answer that none of its facts hold."""
    latency_ms: float | None = None


def score_answer(
    question_fixture: QuestionFixture, answer: Answer, *, question_text: str | None = None
) -> ScoredAnswer:
    """Score ``answer`` against its fixture (``question_text``: what was actually asked)."""
    lowered = answer.text.lower()
    missing = [p for p in question_fixture.answer_must_contain if p.lower() not in lowered]
    forbidden = [p for p in question_fixture.answer_must_not_contain if p.lower() in lowered]
    invented = [str(n) for n in invented_numbers(answer.text, answer.facts)]
    return ScoredAnswer(
        id=question_fixture.id,
        kind=question_fixture.kind,
        question=question_text or question_fixture.text,
        answer=answer.text,
        source=answer.source.value,
        correct=not missing and not forbidden,
        missing=missing,
        forbidden=forbidden,
        invented_numbers=invented,
    )


@dataclass(slots=True)
class AnswersReport:
    """Totals over a question set."""

    answerer: str
    questions: int
    correct: int
    invented_numbers: int
    """Answers containing at least one number their facts do not hold."""
    unknown: int
    fallback: int
    refused: int
    latency_p50_ms: float
    latency_p95_ms: float
    results: list[ScoredAnswer]

    @property
    def accuracy(self) -> float:
        """Share of questions answered correctly, 0..1."""
        return self.correct / self.questions if self.questions else 0.0


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run_answers(
    answerer: Answerer, question_set: QuestionSet, zone_of: dict[str, str]
) -> AnswersReport:
    """Ask every question (text) and score the answers."""
    results: list[ScoredAnswer] = []
    for fixture in question_set.questions:
        question = make_question(fixture, question_set, zone_of)
        started = time.perf_counter()
        answer = await answerer.answer(question)
        elapsed = (time.perf_counter() - started) * 1000
        scored = score_answer(fixture, answer)
        scored.latency_ms = round(elapsed, 3)
        results.append(scored)
    latencies = [r.latency_ms or 0.0 for r in results]
    return AnswersReport(
        answerer=answerer.name,
        questions=len(results),
        correct=sum(r.correct for r in results),
        invented_numbers=sum(bool(r.invented_numbers) for r in results),
        unknown=sum(r.source == AnswerSource.UNKNOWN for r in results),
        fallback=sum(r.source == AnswerSource.FALLBACK for r in results),
        refused=sum(r.source == AnswerSource.REFUSED for r in results),
        latency_p50_ms=round(percentile(latencies, 50), 3),
        latency_p95_ms=round(percentile(latencies, 95), 3),
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


def register(app: typer.Typer) -> None:
    """Add the ``answers`` command to the ``bench`` group."""

    @app.command("answers")
    def answers(
        answerer: Annotated[
            Literal["grounded"], typer.Option(help="Which answerer to benchmark.")
        ] = "grounded",
        questions: Annotated[
            Path, typer.Option(help="Question fixtures (YAML).", exists=True, dir_okay=False)
        ] = DEFAULT_QUESTIONS,
        knowledge_base: Annotated[
            Path | None,
            typer.Option("--kb", help="Knowledge-base directory (default: the packaged sample)."),
        ] = None,
        contact: Annotated[
            str, typer.Option(help="Default contact the answerer names when it does not know.")
        ] = DEFAULT_CONTACT,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Ask every fixture question by text and score the answers.

        Examples:
          voice-agent bench answers

          voice-agent bench answers --json > answers.json

        Exit code 0 when every answer is right and no number is invented, 1 otherwise,
        2 when the question file or knowledge base cannot be read.
        """
        from knowledge_base.errors import KnowledgeBaseError

        try:
            question_set = load_questions(questions)
            chosen, zones = build_grounded(knowledge_base, contact)
        except (OSError, ValueError, KnowledgeBaseError) as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from e
        report = asyncio.run(run_answers(chosen, question_set, zones))
        if as_json:
            payload = asdict(report)
            payload["accuracy"] = report.accuracy
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for result in report.results:
                if not result.correct or result.invented_numbers:
                    typer.echo(f"WRONG {result.id}: {result.question!r}\n  -> {result.answer}")
                    if result.missing:
                        typer.echo(f"  missing: {result.missing}")
                    if result.forbidden:
                        typer.echo(f"  forbidden: {result.forbidden}")
                    if result.invented_numbers:
                        typer.echo(f"  invented numbers: {result.invented_numbers}")
            typer.echo(
                f"answerer {report.answerer}: {report.correct}/{report.questions} correct"
                f" ({report.accuracy:.0%}), invented numbers in {report.invented_numbers},"
                f" unknown {report.unknown}, refused {report.refused}, fallback {report.fallback},"
                f" latency p50 {report.latency_p50_ms:.2f} ms, p95 {report.latency_p95_ms:.2f} ms"
            )
        ok = report.correct == report.questions and report.invented_numbers == 0
        raise typer.Exit(0 if ok else 1)
