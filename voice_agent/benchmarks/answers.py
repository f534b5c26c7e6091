"""``voice-agent bench answers``: every question of a chain through an answerer, scored.

For each chain (a knowledge-base directory and its question file) and for each intent
(``kind``) it reports how many answers were correct, about the wrong target (another
promotion, product or store than the question's ``target``), unknown, a clarifying question,
or otherwise wrong; how many state a number their own facts do not back (the runtime fact
guard's check, :func:`knowledge_base.fact_guard.invented_numbers`); and answer time p50/p95.
Typed by default; ``--audio`` replays the recordings through the voice loop
(:mod:`voice_agent.benchmarks.answers_audio`).

The command only: fixtures are in :mod:`voice_agent.benchmarks.answer_fixtures`, the
scoring rule (:func:`~voice_agent.benchmarks.answer_scoring.score_answer`) in
:mod:`voice_agent.benchmarks.answer_scoring`, the run and its report in
:mod:`voice_agent.benchmarks.answer_report`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from voice_agent.benchmarks.answer_fixtures import (
    DEFAULT_CONTACT,
    DEFAULT_QUESTIONS,
    QuestionSet,
    load_questions,
)
from voice_agent.benchmarks.answer_report import (
    AnswersReport,
    build_configured,
    build_grounded,
    run_answers,
)
from voice_agent.benchmarks.answer_scoring import Outcome

if TYPE_CHECKING:
    from knowledge_base.answering import Answerer
    from knowledge_base.knowledge import KnowledgeBase


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


def _heard_report(
    answerer: Answerer,
    question_set: QuestionSet,
    zones: dict[str, str],
    knowledge: KnowledgeBase,
    *,
    chain: str,
    run: Path,
) -> AnswersReport:
    from voice_agent.benchmarks.answers_heard import run_heard_answers

    try:
        return asyncio.run(
            run_heard_answers(answerer, question_set, zones, knowledge, chain=chain, run=run)
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
        heard: Annotated[
            list[Path] | None,
            typer.Option(
                help="Re-ask, by text, what Whisper heard in an earlier --audio --json run"
                " (its results[].question) and score it the same way: tuning on misheard"
                " questions without replaying audio. Repeatable (one run per style); with"
                " several --kb, give one --heard per --kb, in the same order.",
                exists=True,
                dir_okay=False,
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

          voice-agent bench answers --kb knowledge_base/samples/hearth
            --questions tests/fixtures/chains/hearth/questions.yaml
            --heard docs/bench-runs/hearth-spoken-noisy.json

        --heard re-asks the transcripts of a spoken run in milliseconds: the answer to
        "what does the answerer make of what Whisper wrote?", not a new spoken run (the
        audio and Whisper are not replayed; a changed recogniser needs a fresh --audio run).

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
        runs = heard or []
        if audio and runs:
            typer.echo("error: --heard re-asks an earlier --audio run; give one of them", err=True)
            raise typer.Exit(2)
        if runs and len(files) > 1 and len(runs) != len(files):
            typer.echo("error: with several --kb, give one --heard for each --kb", err=True)
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
            from knowledge_base.loader import load_knowledge_base

            knowledge = load_knowledge_base(directory)  # for the rate check, as the answerer's
            chain_runs = runs if len(files) == 1 else [runs[len(reports)]] if runs else []
            if not chain_runs:
                reports.append(
                    asyncio.run(
                        run_answers(chosen, question_set, zones, chain=chain, knowledge=knowledge)
                    )
                )
            for run in chain_runs:
                reports.append(
                    _heard_report(chosen, question_set, zones, knowledge, chain=chain, run=run)
                )
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
