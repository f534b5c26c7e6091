"""Scores of a feedback classifier against labelled items: F1 per category, accuracies.

Macro-F1 is the unweighted mean of the per-category F1 over every category that occurs in
the gold labels or the predictions (as scikit-learn's ``f1_score(average="macro")``).
Product match is exact: the set of SKUs found equals the set labelled (order ignored).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge_base.feedback.taxonomy import FeedbackCategory


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """Precision, recall and F1 of one category."""

    precision: float
    recall: float
    f1: float
    support: int
    """Gold items of this category."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a classifier said about one labelled item, beside the gold labels."""

    id: str
    language: str
    gold_category: str
    category: str
    gold_urgency: str
    urgency: str
    gold_sentiment: str
    sentiment: str
    gold_products: tuple[str, ...]
    products: tuple[str, ...]
    source: str = "offline"
    gold_promotion: str | None = None
    promotion: str | None = None

    @property
    def products_match(self) -> bool:
        """The SKUs found are exactly the SKUs labelled."""
        return set(self.products) == set(self.gold_products)


@dataclass(slots=True)
class Scores:
    """Scores over a set of predictions."""

    items: int
    macro_f1: float
    per_category: dict[str, CategoryScore]
    urgency_accuracy: float
    sentiment_accuracy: float
    product_match_accuracy: float
    category_accuracy: float
    promotion_accuracy: float | None = None
    """Share of the items labelled with a promotion whose promotion was found; ``None``
    when no item has one."""
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    """Gold category -> predicted category -> count (mistakes only)."""


def category_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, CategoryScore]:
    """Per-category precision, recall and F1, in taxonomy order."""
    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    false_neg: Counter[str] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            true_pos[g] += 1
        else:
            false_pos[p] += 1
            false_neg[g] += 1
    seen = set(gold) | set(predicted)
    order: list[str] = [c.value for c in FeedbackCategory if c.value in seen]
    order += sorted(seen - set(order))
    scores: dict[str, CategoryScore] = {}
    for label in order:
        tp, fp, fn = true_pos[label], false_pos[label], false_neg[label]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = CategoryScore(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)
    return scores


def score(predictions: Sequence[Prediction]) -> Scores:
    """Scores of ``predictions`` (an empty sequence scores zero everywhere)."""
    n = len(predictions)
    if n == 0:
        return Scores(0, 0.0, {}, 0.0, 0.0, 0.0, 0.0)
    per_category = category_scores(
        [p.gold_category for p in predictions], [p.category for p in predictions]
    )
    confusion: dict[str, dict[str, int]] = {}
    for p in predictions:
        if p.gold_category != p.category:
            row = confusion.setdefault(p.gold_category, {})
            row[p.category] = row.get(p.category, 0) + 1
    with_promotion = [p for p in predictions if p.gold_promotion]
    promotion_accuracy = (
        round(sum(p.promotion == p.gold_promotion for p in with_promotion) / len(with_promotion), 4)
        if with_promotion
        else None
    )
    return Scores(
        items=n,
        macro_f1=round(sum(s.f1 for s in per_category.values()) / len(per_category), 4),
        per_category=per_category,
        urgency_accuracy=round(sum(p.urgency == p.gold_urgency for p in predictions) / n, 4),
        sentiment_accuracy=round(sum(p.sentiment == p.gold_sentiment for p in predictions) / n, 4),
        product_match_accuracy=round(sum(p.products_match for p in predictions) / n, 4),
        category_accuracy=round(sum(p.category == p.gold_category for p in predictions) / n, 4),
        promotion_accuracy=promotion_accuracy,
        confusion=confusion,
    )
