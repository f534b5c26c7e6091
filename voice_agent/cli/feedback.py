"""``voice-agent feedback``: classify shop-floor feedback; list, count, export what is stored.

Exit codes: 0 ok; 2 usage or input error (empty text, unknown store, bad settings).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from voice_agent.cli.common import (
    AtOption,
    ClassifierOption,
    ConfigOption,
    JsonOption,
    KnowledgeBaseOption,
    configure_logging,
    parse_at,
    print_json,
    settings_or_exit,
)
from voice_agent.cli.feedback_records import register as register_records

app = typer.Typer(
    help=(
        "Feedback from the shop floor: what clerks report to headquarters.\n\n"
        'Label a text:  voice-agent feedback classify "size 40 of the AX-200 sold out"\n\n'
        "Stored feedback (the configured database):  voice-agent feedback list | stats |"
        " alerts | export"
    ),
    no_args_is_help=True,
)


@app.command("classify")
def classify(
    text: Annotated[str, typer.Argument(help="The feedback, as a clerk would say it.")],
    store: Annotated[
        str, typer.Option("--store", help="Store it was said at (for promotions in force).")
    ] = "SH-01",
    at: AtOption = None,
    classifier: ClassifierOption = None,
    knowledge_base: KnowledgeBaseOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show debug logs.")] = False,
) -> None:
    """Label a feedback text: category, urgency, sentiment, products and promotions in force.

    Nothing is stored. The text is data: whatever it says, it is only labelled.

    Examples:
      voice-agent feedback classify "size 40 of the AX-200 sold out at Nanjing Road"

      voice-agent feedback classify "收银机不认周末优惠" --store SH-02 --at 2026-11-28T15:00

      voice-agent feedback classify "the till rejects the discount" --json
    """
    from knowledge_base.errors import KnowledgeBaseError
    from knowledge_base.feedback.capture import feedback_content
    from knowledge_base.feedback.confirmation import confirmation
    from knowledge_base.feedback.products import feedback_subjects
    from knowledge_base.feedback.records import detect_language
    from knowledge_base.feedback.sets import FeedbackSetError
    from knowledge_base.loader import load_knowledge_base
    from voice_agent.answerers.errors import AnswererError
    from voice_agent.feedback.factory import build_feedback_classifier

    configure_logging(verbose)
    settings = settings_or_exit(config)
    content = feedback_content(text)
    if not content.strip():
        typer.echo("error: the feedback text is empty", err=True)
        raise typer.Exit(2)
    try:
        path = knowledge_base or (
            Path(settings.knowledge_base.path) if settings.knowledge_base.path else None
        )
        knowledge = load_knowledge_base(path)
        chosen = build_feedback_classifier(settings, kind=classifier)
    except (KnowledgeBaseError, FeedbackSetError, AnswererError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    if store not in knowledge.stores:
        known = ", ".join(sorted(knowledge.stores))
        typer.echo(f"error: unknown store {store!r} (known: {known})", err=True)
        raise typer.Exit(2)
    moment = parse_at(at, lambda: knowledge.zone(store)) or datetime.now(UTC)
    label = asyncio.run(chosen.classify(content))
    subjects = feedback_subjects(knowledge, content, store_id=store, at=moment)
    language = detect_language(content)
    store_name = knowledge.store(store).name.best(language)
    spoken = confirmation(
        content,
        language=language,
        store_name=store_name,
        category=label.category,
        store_aliases=[knowledge.store(store).name.en],
    )
    result = {
        "text": content,
        "language": language,
        "category": label.category.value,
        "urgency": label.urgency.value,
        "sentiment": label.sentiment.value,
        "confidence": label.confidence,
        "classifier": label.source.value,
        "fallback_reason": label.reason,
        "products": subjects.products,
        "promotion": subjects.promotion,
        "promotions_in_force": subjects.promotions_in_force,
        "store": store,
        "local_time": knowledge.local_time(store, moment).isoformat(timespec="seconds"),
        "confirmation": spoken,
    }
    if as_json:
        print_json(result)
        return
    typer.echo(
        f"{label.category.value} (urgency {label.urgency.value}, sentiment"
        f" {label.sentiment.value}, {label.source.value}"
        + (f", confidence {label.confidence:.2f}" if label.source.value == "offline" else "")
        + (f", fallback: {label.reason}" if label.reason else "")
        + ")"
    )
    typer.echo(f"products: {', '.join(subjects.products) or 'none'}")
    typer.echo(f"promotions in force: {', '.join(subjects.promotions_in_force) or 'none'}")
    typer.echo(f"would say: {spoken}")


@app.command("check-set")
def check_set(
    path: Annotated[Path, typer.Argument(help="A labelled feedback set (YAML).", dir_okay=False)],
    knowledge_base: KnowledgeBaseOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a labelled feedback set and count its items by category and language.

    Every problem is listed with its line and field; SKUs and promotions that the knowledge
    base does not hold, and texts also in the packaged training set, are reported too.

    Examples:
      voice-agent feedback check-set tests/fixtures/feedback/dev.yaml

    Exit code 0 when the set is valid and refers only to known SKUs and promotions, 1 when
    it has problems, 2 when it cannot be read at all.
    """
    from collections import Counter

    from knowledge_base.errors import KnowledgeBaseError
    from knowledge_base.feedback.features import normalise
    from knowledge_base.feedback.models import extension_fields
    from knowledge_base.feedback.sets import FeedbackSetError, FeedbackSetUnreadableError
    from knowledge_base.loader import load_knowledge_base
    from voice_agent.feedback.sets import (
        DEFAULT_TRAINING_SET,
        load_feedback_set,
        set_knowledge_path,
    )

    settings = settings_or_exit(config)
    try:
        feedback_set = load_feedback_set(path)
    except FeedbackSetError as e:
        if as_json:
            print_json({"valid": False, "problems": [str(p) for p in e.problems]})
        else:
            typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2 if isinstance(e, FeedbackSetUnreadableError) else 1) from e
    try:
        configured = settings.knowledge_base.path
        knowledge = load_knowledge_base(
            set_knowledge_path(
                feedback_set,
                path,
                override=knowledge_base,
                configured=Path(configured) if configured else None,
            )
        )
    except KnowledgeBaseError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    problems = []
    for item in feedback_set.items:
        unknown = [sku for sku in item.products if sku not in knowledge.products]
        if unknown:
            problems.append(f"{item.id}: unknown SKU(s) {', '.join(unknown)}")
        if item.promotion and item.promotion not in knowledge.promotions:
            problems.append(f"{item.id}: unknown promotion {item.promotion}")
    training = {normalise(i.text) for i in load_feedback_set(DEFAULT_TRAINING_SET).items}
    overlap = [i.id for i in feedback_set.items if normalise(i.text) in training]
    extensions = extension_fields(feedback_set)
    per_category = Counter(item.category.value for item in feedback_set.items)
    per_language = Counter(item.language for item in feedback_set.items)
    summary: dict[str, Any] = {
        "valid": not problems,
        "items": len(feedback_set.items),
        "with_audio": sum(1 for item in feedback_set.items if item.audio),
        "per_category": dict(sorted(per_category.items())),
        "per_language": dict(sorted(per_language.items())),
        "overlap_with_training": overlap,
        "extension_fields": extensions,
        "problems": problems,
    }
    if as_json:
        print_json(summary)
    else:
        for problem in problems:
            typer.echo(f"problem: {problem}")
        typer.echo(
            f"{path}: {summary['items']} items ({summary['with_audio']} with audio); "
            + ", ".join(f"{k} {v}" for k, v in summary["per_language"].items())
        )
        for category, n in summary["per_category"].items():
            typer.echo(f"  {category:22s} {n}")
        if overlap:
            typer.echo(f"{len(overlap)} item(s) repeat a training text: {', '.join(overlap[:10])}")
        if extensions:
            typer.echo(f"fields beyond the schema (kept, not used): {', '.join(extensions)}")
    raise typer.Exit(0 if not problems else 1)


register_records(app)
