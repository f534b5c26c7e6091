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

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge_base.feedback.capture import feedback_content
from knowledge_base.feedback.evaluation import Prediction, Scores, score
from knowledge_base.feedback.features import normalise
from knowledge_base.feedback.models import ClassifierSource, FeedbackSet
from knowledge_base.feedback.products import feedback_subjects
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.benchmarks.answer_report import percentile
from voice_agent.feedback.classifiers import FeedbackClassifier


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
