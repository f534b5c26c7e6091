"""``voice-agent bench feedback``: the command over :mod:`voice_agent.benchmarks.feedback`."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from knowledge_base.feedback.models import FeedbackSet
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.benchmarks.feedback import FeedbackBenchReport, run_feedback_bench
from voice_agent.cli.common import ClassifierOption, ConfigOption, JsonOption, KnowledgeBaseOption
from voice_agent.feedback.sets import DEFAULT_VALIDATION_SET


def print_report(report: FeedbackBenchReport) -> None:
    """The human-readable report."""
    for mistake in report.mistakes:
        parts = []
        if mistake["category"]:
            parts.append(f"category {mistake['category'][0]} -> {mistake['category'][1]}")
        if mistake["urgency"]:
            parts.append(f"urgency {mistake['urgency'][0]} -> {mistake['urgency'][1]}")
        if mistake["products"]:
            parts.append(f"products {mistake['products'][0]} -> {mistake['products'][1]}")
        typer.echo(f"MISS {mistake['id']}: {mistake['text']!r}\n  {'; '.join(parts)}")
    typer.echo("")
    for name, s in report.per_category.items():
        typer.echo(
            f"  {name:22s} F1 {s['f1']:.3f}  precision {s['precision']:.3f}"
            f"  recall {s['recall']:.3f}  ({int(s['support'])} items)"
        )
    for language, s in report.by_language.items():
        typer.echo(
            f"  {language:6s} macro-F1 {s['macro_f1']:.3f}, urgency {s['urgency_accuracy']:.3f},"
            f" products {s['product_match_accuracy']:.3f} ({int(s['items'])} items)"
        )
    heard = f" (spoken; {report.skipped_audio} skipped)" if report.spoken else ""
    typer.echo(
        f"classifier {report.classifier} on {report.set}{heard}: {report.items} items,"
        f" macro-F1 {report.macro_f1:.3f}, urgency accuracy {report.urgency_accuracy:.3f},"
        f" sentiment accuracy {report.sentiment_accuracy:.3f},"
        f" product match {report.product_match_accuracy:.3f},"
        + (
            f" promotion {report.promotion_accuracy:.3f},"
            if report.promotion_accuracy is not None
            else ""
        )
        + f" fallbacks {report.fallbacks},"
        f" overlap with training {report.overlap_with_training},"
        f" p50 {report.classify_p50_ms:.2f} ms, {report.items_per_sec:.0f} items/s"
    )
    for rate in report.store_rate:
        typer.echo(
            f"store {rate['engine']} ({rate['url']}): {rate['records_per_sec']:.1f} records/s"
            f" over {rate['captures']} captures{' with audio' if rate['with_audio'] else ''},"
            f" commit p50 {rate['commit_p50_ms']:.1f} ms, p95 {rate['commit_p95_ms']:.1f} ms"
        )


def register(app: typer.Typer) -> None:
    """Add the ``feedback`` command to the ``bench`` group."""

    @app.command("feedback")
    def feedback(
        set_path: Annotated[
            Path,
            typer.Option(
                "--set",
                help="Labelled feedback set (YAML, docs/feedback.md).",
                dir_okay=False,
                show_default="the packaged validation split",
            ),
        ] = DEFAULT_VALIDATION_SET,
        classifier: ClassifierOption = None,
        knowledge_base: KnowledgeBaseOption = None,
        min_macro_f1: Annotated[
            float, typer.Option(help="Exit 1 when macro-F1 is below this (0..1).")
        ] = 0.0,
        spoken: Annotated[
            bool,
            typer.Option(
                "--spoken",
                help="Score the items with `audio` on what the configured Whisper model hears.",
            ),
        ] = False,
        store_rate: Annotated[
            bool,
            typer.Option(
                "--store-rate",
                help="Also measure records per second committed into each --store-database.",
            ),
        ] = False,
        store_databases: Annotated[
            list[str] | None,
            typer.Option(
                "--store-database",
                help="Database to measure (repeat for several); rows written are deleted"
                " afterwards. Default: a temporary SQLite file.",
            ),
        ] = None,
        store_captures: Annotated[
            int, typer.Option(min=1, max=100_000, help="Captures committed per database.")
        ] = 200,
        store_audio: Annotated[
            bool, typer.Option(help="Store 3 s of FLAC with each capture.")
        ] = True,
        config: ConfigOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Classify every text of a labelled feedback set and score it.

        Examples:
          voice-agent bench feedback          (the packaged validation split)

          voice-agent bench feedback --set tests/fixtures/feedback/dev.yaml --json

          voice-agent bench feedback --set tests/fixtures/feedback/dev.yaml --spoken

          voice-agent bench feedback --store-rate --store-database sqlite:///var/bench.sqlite3
            --store-database postgresql://postgres@127.0.0.1:55432/voice_agent_test

        Exit code 0 when macro-F1 reaches --min-macro-f1, 1 below it, 2 when the set,
        knowledge base or settings cannot be read.
        """
        from knowledge_base.errors import KnowledgeBaseError
        from knowledge_base.feedback.sets import FeedbackSetError
        from knowledge_base.loader import load_knowledge_base
        from voice_agent.answerers.errors import AnswererError
        from voice_agent.cli.common import configure_logging, settings_or_exit
        from voice_agent.feedback.factory import build_feedback_classifier
        from voice_agent.feedback.sets import (
            DEFAULT_TRAINING_SET,
            load_feedback_set,
            set_knowledge_path,
        )

        configure_logging(False)
        settings = settings_or_exit(config)
        try:
            feedback_set = load_feedback_set(set_path)
            configured = settings.knowledge_base.path
            knowledge = load_knowledge_base(
                set_knowledge_path(
                    feedback_set,
                    set_path,
                    override=knowledge_base,
                    configured=Path(configured) if configured else None,
                )
            )
            chosen = build_feedback_classifier(settings, kind=classifier)
            training_file = (
                Path(settings.feedback.training_set)
                if settings.feedback.training_set
                else DEFAULT_TRAINING_SET
            )
            training = {item.text for item in load_feedback_set(training_file).items}
        except (FeedbackSetError, KnowledgeBaseError, AnswererError) as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from e
        from voice_agent.audio_io import AudioInputError

        skipped = 0
        if spoken:
            try:
                from voice_agent.benchmarks.feedback_spoken import transcribe_items

                feedback_set, skipped = asyncio.run(
                    transcribe_items(feedback_set, set_path, settings, knowledge)
                )
            except AudioInputError as e:
                typer.echo(f"error: {e}", err=True)
                raise typer.Exit(2) from e
            if not feedback_set.items:
                typer.echo("error: no item of the set has audio this speech model hears", err=True)
                raise typer.Exit(2)
        report = asyncio.run(
            run_feedback_bench(
                chosen, feedback_set, knowledge, set_name=str(set_path), training_texts=training
            )
        )
        report.spoken, report.skipped_audio = spoken, skipped
        if store_rate:
            report.store_rate = _store_rates(
                feedback_set, knowledge, store_databases, store_captures, store_audio
            )
        if as_json:
            typer.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        else:
            print_report(report)
        raise typer.Exit(0 if report.macro_f1 >= min_macro_f1 else 1)


def _store_rates(
    feedback_set: FeedbackSet, knowledge: KnowledgeBase, urls: list[str] | None, captures: int,
    audio: bool,
) -> list[dict[str, Any]]:  # fmt: skip
    import tempfile

    from voice_agent.benchmarks.feedback_store import (
        bench_records,
        measure_store_rate,
        speech_like_audio,
    )
    from voice_agent.storage import StorageError

    clip = speech_like_audio() if audio else None
    rates = []
    with tempfile.TemporaryDirectory(prefix="feedback-store-bench-") as scratch:
        for url in urls or [f"sqlite:///{scratch}/bench.sqlite3"]:
            records = bench_records(feedback_set, knowledge, captures)
            try:
                rates.append(asdict(measure_store_rate(url, records, audio=clip)))
            except StorageError as e:
                typer.echo(f"error: {e} ({e.code})", err=True)
                raise typer.Exit(2) from e
    return rates
