"""``voice-agent bench feedback``: a feedback classifier scored on a labelled set.

Reports macro-F1 and per-category F1, urgency and sentiment accuracy, product-match
accuracy (the catalogue matcher the runtime uses, against the labelled SKUs), the same
split by language, how often the LLM fell back, and classification time; with
``--store-rate``, records per second committed into SQLite and PostgreSQL
(:mod:`.feedback_store`). Items whose text
is also in the classifier's training set are counted (``overlap_with_training``): a set
meant for evaluation should have none.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from knowledge_base.feedback.capture import feedback_content
from knowledge_base.feedback.evaluation import Prediction, Scores, score
from knowledge_base.feedback.features import normalise
from knowledge_base.feedback.models import ClassifierSource, FeedbackSet
from knowledge_base.feedback.products import feedback_subjects
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.benchmarks.answer_fixtures import PROJECT_ROOT
from voice_agent.benchmarks.answer_report import percentile
from voice_agent.feedback.classifiers import FeedbackClassifier
from voice_agent.feedback.sets import DEFAULT_VALIDATION_SET


@dataclass(slots=True)
class FeedbackBenchReport:
    """Everything ``bench feedback`` measured on one set."""

    classifier: str
    set: str
    items: int
    macro_f1: float
    category_accuracy: float
    urgency_accuracy: float
    sentiment_accuracy: float
    product_match_accuracy: float
    promotion_accuracy: float | None
    """Over the items labelled with a promotion: named in the text, or the only one in force
    at the item's ``store`` at the set's ``reference_time`` (when both are given)."""
    per_category: dict[str, dict[str, float]]
    by_language: dict[str, dict[str, float]]
    fallbacks: int
    """Items the LLM classifier left to the offline one."""
    overlap_with_training: int
    classify_p50_ms: float
    classify_p95_ms: float
    items_per_sec: float
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    mistakes: list[dict[str, Any]] = field(default_factory=list)
    spoken: bool = False
    """Scored on speech-recognition transcripts of the items' ``audio`` (``--spoken``)."""
    skipped_audio: int = 0
    """Spoken items left out: no ``audio``, or a language the speech model cannot hear."""
    store_rate: list[dict[str, Any]] = field(default_factory=list)
    """Records per second into each database (``--store-rate``; see ``feedback_store``)."""


def _summary(scores: Scores) -> dict[str, float]:
    return {
        "items": scores.items,
        "macro_f1": scores.macro_f1,
        "urgency_accuracy": scores.urgency_accuracy,
        "product_match_accuracy": scores.product_match_accuracy,
    }


async def run_feedback_bench(
    classifier: FeedbackClassifier,
    feedback_set: FeedbackSet,
    knowledge: KnowledgeBase,
    *,
    set_name: str,
    training_texts: set[str] | None = None,
) -> FeedbackBenchReport:
    """Classify every item of ``feedback_set`` and score the labels."""
    predictions: list[Prediction] = []
    latencies: list[float] = []
    texts: dict[str, str] = {}
    started = time.perf_counter()
    for item in feedback_set.items:
        begun = time.perf_counter()
        # As the runtime does: "hey promo, feedback: ... done" is classified without the
        # trigger and the end phrase.
        content = feedback_content(item.text) or item.text
        label = await classifier.classify(content)
        store = item.store if item.store in knowledge.stores else None
        at = None
        if store is not None and feedback_set.reference_time is not None:
            at = feedback_set.reference_time.replace(tzinfo=knowledge.zone(store))
        subjects = feedback_subjects(knowledge, content, store_id=store, at=at)
        latencies.append((time.perf_counter() - begun) * 1000)
        texts[item.id] = item.text
        predictions.append(
            Prediction(
                id=item.id, language=item.language,
                gold_category=item.category.value, category=label.category.value,
                gold_urgency=item.urgency.value, urgency=label.urgency.value,
                gold_sentiment=item.sentiment.value, sentiment=label.sentiment.value,
                gold_products=tuple(item.products), products=tuple(subjects.products),
                source=label.source.value, gold_promotion=item.promotion,
                promotion=subjects.promotion,
            )
        )  # fmt: skip
    elapsed = time.perf_counter() - started
    scores = score(predictions)
    languages = sorted({p.language for p in predictions})
    by_language = {
        language: _summary(score([p for p in predictions if p.language == language]))
        for language in languages
    }
    training = {normalise(t).strip() for t in training_texts or set()}
    mistakes = [
        {
            "id": p.id, "text": texts[p.id],
            "category": [p.gold_category, p.category] if p.category != p.gold_category else None,
            "urgency": [p.gold_urgency, p.urgency] if p.urgency != p.gold_urgency else None,
            "products": [list(p.gold_products), list(p.products)]
            if not p.products_match else None,
        }
        for p in predictions
        if p.category != p.gold_category or p.urgency != p.gold_urgency or not p.products_match
    ]  # fmt: skip
    return FeedbackBenchReport(
        classifier=classifier.name,
        set=set_name,
        items=scores.items,
        macro_f1=scores.macro_f1,
        category_accuracy=scores.category_accuracy,
        urgency_accuracy=scores.urgency_accuracy,
        sentiment_accuracy=scores.sentiment_accuracy,
        product_match_accuracy=scores.product_match_accuracy,
        promotion_accuracy=scores.promotion_accuracy,
        per_category={name: asdict(s) for name, s in scores.per_category.items()},
        by_language=by_language,
        fallbacks=sum(p.source == ClassifierSource.FALLBACK for p in predictions),
        overlap_with_training=sum(
            normalise(item.text).strip() in training for item in feedback_set.items
        ),
        classify_p50_ms=round(percentile(latencies, 50), 3),
        classify_p95_ms=round(percentile(latencies, 95), 3),
        items_per_sec=round(len(predictions) / elapsed, 1) if elapsed > 0 else 0.0,
        confusion=scores.confusion,
        mistakes=mistakes,
    )


def _knowledge_path(
    feedback_set: FeedbackSet, set_path: Path, override: Path | None
) -> Path | None:
    """The knowledge base the set's SKUs refer to: ``--kb``, else its ``catalogue``."""
    if override is not None:
        return override
    if feedback_set.catalogue:
        for base in (Path.cwd(), set_path.parent, PROJECT_ROOT):
            candidate = base / feedback_set.catalogue
            if (candidate / "catalogue.yaml").is_file():
                return candidate
    return None


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
        classifier: Annotated[
            Literal["offline", "llm"] | None,
            typer.Option(help="offline or llm (default: feedback.classifier from settings)."),
        ] = None,
        knowledge_base: Annotated[
            Path | None,
            typer.Option("--kb", help="Knowledge base of the set's SKUs (default: its catalogue)."),
        ] = None,
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
        config: Annotated[
            Path | None,
            typer.Option("--config", "-c", help="TOML file overriding config/default.toml."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Classify every text of a labelled feedback set and score it.

        Examples:
          voice-agent bench feedback          (the packaged validation split)

          voice-agent bench feedback --set tests/fixtures/feedback/heldout.yaml --json

          voice-agent bench feedback --set tests/fixtures/feedback/heldout.yaml --spoken

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
        from voice_agent.feedback.sets import DEFAULT_TRAINING_SET, load_feedback_set

        configure_logging(False)
        settings = settings_or_exit(config)
        try:
            feedback_set = load_feedback_set(set_path)
            knowledge = load_knowledge_base(_knowledge_path(feedback_set, set_path, knowledge_base))
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
