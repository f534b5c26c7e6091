"""``voice-agent bench answers``: every question of a chain through an answerer, scored.

For each chain (a knowledge-base directory and its question file) and for each intent
(``kind``) it reports how many answers were correct, about the wrong target (another
promotion, product or store than the question's ``target``), unknown, a clarifying question,
or otherwise wrong; how many state a number their own facts do not back (the runtime fact
guard's check, :func:`knowledge_base.fact_guard.invented_numbers`); and answer time p50/p95.
Typed by default; ``--audio`` replays the recordings through the voice loop
(:mod:`voice_agent.benchmarks.answers_audio`).

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
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer
import yaml
from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.answering import Answer, Answerer, AnswerSource, Question, Role
from knowledge_base.fact_guard import invented_numbers

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_QUESTIONS = PROJECT_ROOT / "tests" / "fixtures" / "questions.yaml"
DEFAULT_CONTACT = "the promotions desk at headquarters, extension 1000"


class Target(BaseModel):
    """What a right answer is about (each part optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    promotion: str | None = None
    """A promotion id, or ``none`` when no promotion applies."""
    product: str | None = None
    """The SKU the question names."""
    store: str | None = None
    """The store the answer must be for (a store or city named in the question wins)."""


class QuestionFixture(BaseModel):
    """One question and what its answer must say."""

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
    """The intent label answers are reported under."""
    target: Target | None = None
    clarify_ok: bool = False
    """A one-sentence clarifying question is an acceptable answer (the question is ambiguous)."""


class QuestionSet(BaseModel):
    """A whole question file."""

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
        misses.append(f"promotion {about[0]}, expected {target.promotion}")
    products = answer.detail.get("products")
    if target.product and isinstance(products, list) and products:
        if target.product not in products:
            misses.append(f"product {products[0]}, expected {target.product}")
    store = answer.detail.get("store_id")
    if target.store and isinstance(store, str) and store != target.store:
        misses.append(f"store {store}, expected {target.store}")
    return misses


def score_answer(
    question_fixture: QuestionFixture, answer: Answer, *, question_text: str | None = None
) -> ScoredAnswer:
    """Score ``answer`` against its fixture (``question_text``: what was actually asked)."""
    asked = question_text or question_fixture.text
    lowered = answer.text.lower()
    missing = [p for p in question_fixture.answer_must_contain if p.lower() not in lowered]
    forbidden = [p for p in question_fixture.answer_must_not_contain if p.lower() in lowered]
    invented = invented_numbers(answer.text, answer.facts, question=asked)
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


def _print_report(report: AnswersReport) -> None:
    for result in report.results:
        if result.outcome != Outcome.CORRECT or result.invented_numbers:
            label = "WRONG" if result.outcome == Outcome.WRONG else result.outcome.upper()
            typer.echo(f"{label} {result.id}: {result.question!r}\n  -> {result.answer}")
            if result.missing:
                typer.echo(f"  missing: {result.missing}")
            if result.forbidden:
                typer.echo(f"  forbidden: {result.forbidden}")
            if result.off_target:
                typer.echo(f"  off target: {result.off_target}")
            if result.invented_numbers:
                typer.echo(f"  invented numbers: {result.invented_numbers}")
    typer.echo(f"{'intent':<14} {'n':>3} {'ok':>3} {'tgt':>3} {'unk':>3} {'clar':>4} {'bad':>3}")
    for kind, counts in report.per_intent.items():
        typer.echo(
            f"{kind:<14} {counts.questions:>3} {counts.correct:>3} {counts.wrong_target:>3}"
            f" {counts.unknown:>3} {counts.clarify:>4} {counts.wrong:>3}"
        )
    typer.echo(
        f"chain {report.chain}, answerer {report.answerer}: {report.correct}/{report.questions}"
        f" correct ({report.accuracy:.0%}), wrong target {report.wrong_target},"
        f" clarifying {report.clarify} ({report.clarify_acceptable} allowed),"
        f" invented numbers in {report.invented_numbers}, unknown {report.unknown},"
        f" refused {report.refused}, fallback {report.fallback},"
        f" latency p50 {report.latency_p50_ms:.2f} ms, p95 {report.latency_p95_ms:.2f} ms"
    )


def _spoken_report(
    question_set: QuestionSet,
    file: Path,
    directory: Path | None,
    answerer: str,
    contact: str,
    chain: str,
    *,
    audio_dir: Path | None,
    config: Path | None,
    limit: int | None,
) -> AnswersReport:
    from voice_agent.benchmarks.answers_audio import audio_directory, run_spoken_answers

    try:
        return asyncio.run(
            run_spoken_answers(
                settings_path=config,
                knowledge_dir=directory,
                answerer_kind=answerer,
                contact=contact,
                question_set=question_set,
                audio_dir=audio_dir or audio_directory(file),
                chain=chain,
                limit=limit,
            )
        )
    except (OSError, ValueError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e


def register(app: typer.Typer) -> None:
    """Add the ``answers`` command to the ``bench`` group."""

    @app.command("answers")
    def answers(
        answerer: Annotated[
            Literal["grounded", "openai"],
            typer.Option(
                help="grounded (offline), or openai: the configured OpenAI-compatible endpoint"
                " behind the fact guard (settings answerer.openai.*)."
            ),
        ] = "grounded",
        questions: Annotated[
            list[Path] | None,
            typer.Option(
                help="Question file (YAML); repeat together with --kb for several chains."
                " Default: tests/fixtures/questions.yaml.",
                exists=True,
                dir_okay=False,
            ),
        ] = None,
        knowledge_base: Annotated[
            list[Path] | None,
            typer.Option(
                "--kb",
                help="Knowledge-base directory of the chain (default: the packaged sample);"
                " the n-th --kb goes with the n-th --questions.",
                exists=True,
                file_okay=False,
            ),
        ] = None,
        audio: Annotated[
            bool,
            typer.Option(
                help="Replay the spoken questions' recordings through the real voice loop"
                " (VAD, Whisper, answerer, Piper) instead of asking by text."
            ),
        ] = False,
        audio_dir: Annotated[
            Path | None,
            typer.Option(
                help="Recordings <id>.wav (default: audio/questions/ or audio/ beside the"
                " question file).",
                file_okay=False,
            ),
        ] = None,
        limit: Annotated[
            int | None,
            typer.Option(min=1, help="With --audio: replay only the first N recordings."),
        ] = None,
        contact: Annotated[
            str, typer.Option(help="Default contact the answerer names when it does not know.")
        ] = DEFAULT_CONTACT,
        config: Annotated[
            Path | None,
            typer.Option(
                "--config", "-c", help="Settings file (for --answerer openai).", dir_okay=False
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Ask every question of a chain by text and score the answers, per intent.

        Outcomes: correct; wrong target (about another promotion, product or store than the
        question's `target`); unknown; clarifying question; wrong. Invented numbers are
        counted with the runtime fact guard's check.

        Examples:
          voice-agent bench answers

          voice-agent bench answers --kb knowledge_base/samples/hearth
            --questions tests/fixtures/chains/hearth/questions.yaml --json

          voice-agent bench answers --audio --limit 10

        Exit code 0 when every answer is right (or an allowed clarifying question) and no
        number is invented, 1 otherwise, 2 when a question file or knowledge base cannot
        be read or the options do not fit together.
        """
        from knowledge_base.errors import KnowledgeBaseError

        files = questions or [DEFAULT_QUESTIONS]
        directories: list[Path | None] = [*knowledge_base] if knowledge_base else [None]
        if len(directories) != len(files) or (knowledge_base and not questions):
            typer.echo("error: give one --kb for each --questions file", err=True)
            raise typer.Exit(2)
        reports: list[AnswersReport] = []
        for directory, file in zip(directories, files, strict=True):
            try:
                question_set = load_questions(file)
                if answerer == "grounded":
                    chosen, zones = build_grounded(directory, contact)
                else:
                    chosen, zones = build_configured(directory, answerer, contact, config)
                unknown_stores = {q.store for q in question_set.questions} - set(zones)
                if unknown_stores:
                    raise ValueError(
                        f"{file}: stores not in the knowledge base: {sorted(unknown_stores)}"
                    )
            except (OSError, ValueError, KnowledgeBaseError) as e:
                typer.echo(f"error: {e}", err=True)
                raise typer.Exit(2) from e
            chain = directory.name if directory is not None else "sample"
            if audio:
                reports.append(
                    _spoken_report(
                        question_set,
                        file,
                        directory,
                        answerer,
                        contact,
                        chain,
                        audio_dir=audio_dir,
                        config=config,
                        limit=limit,
                    )
                )
                continue
            reports.append(asyncio.run(run_answers(chosen, question_set, zones, chain=chain)))
        if as_json:
            payload: object = (
                reports[0].to_json()
                if len(reports) == 1
                else {"chains": [r.to_json() for r in reports]}
            )
            typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for report in reports:
                _print_report(report)
        raise typer.Exit(0 if all(r.ok for r in reports) else 1)
