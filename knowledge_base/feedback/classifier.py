"""The offline feedback classifier: naive Bayes over word and character n-grams.

Three independent models (category, urgency, sentiment) share one feature extractor
(:mod:`knowledge_base.feedback.features`); the taxonomy's precedence between categories
(:mod:`knowledge_base.feedback.precedence`) has the last word on the category, and the
urgency convention (:mod:`knowledge_base.feedback.urgency`) on urgency. Training is
one pass over the labelled items (a few milliseconds for a thousand texts), so the
classifier is trained at start-up from the shipped set instead of shipping weights. Priors
are uniform: the training set's class balance says nothing about what a store will report.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from knowledge_base.feedback.features import ProductNames, features
from knowledge_base.feedback.instructions import without_instructions
from knowledge_base.feedback.models import Classification, ClassifierSource, LabelledItem
from knowledge_base.feedback.precedence import apply_precedence
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency
from knowledge_base.feedback.urgency import decide_urgency
from knowledge_base.knowledge import KnowledgeBase

Label = TypeVar("Label", bound=StrEnum)
DEFAULT_ALPHA = 0.3
"""Additive smoothing of feature counts (the urgency and sentiment models)."""
CATEGORY_ALPHA = 0.1
"""Smoothing of the category model: smaller, so a feature seen with one category only (a
Chinese character bigram, a device name) is strong evidence. 0.1 gave a higher macro-F1 than
0.3, 0.5 and 1.0 on each of the four development sets; urgency and sentiment did not gain."""


@dataclass(slots=True)
class NaiveBayes(Generic[Label]):
    """Multinomial naive Bayes over binary features, uniform prior.

    Training only counts; log-likelihoods are read from the counts when a text is scored
    (a text has a few dozen features, the vocabulary thousands).
    """

    labels: list[Label]
    alpha: float = DEFAULT_ALPHA
    _counts: dict[str, list[int]] = field(default_factory=dict)
    _log_denominators: list[float] = field(default_factory=list)
    _log_count: list[float] = field(default_factory=list)
    """``log(c + alpha)`` for every count ``c`` seen."""

    @classmethod
    def train(
        cls,
        examples: Iterable[tuple[set[str], Label]],
        labels: Sequence[Label],
        *,
        alpha: float = DEFAULT_ALPHA,
    ) -> NaiveBayes[Label]:
        """Count features per label."""
        model = cls(labels=list(labels), alpha=alpha)
        index = {label: i for i, label in enumerate(model.labels)}
        counts = model._counts
        totals = [0] * len(model.labels)
        for feats, label in examples:
            i = index[label]
            for feature in feats:
                row = counts.get(feature)
                if row is None:
                    row = counts[feature] = [0] * len(model.labels)
                row[i] += 1
            totals[i] += len(feats)
        vocabulary = len(counts) + 1
        model._log_denominators = [math.log(total + alpha * vocabulary) for total in totals]
        largest = max((max(row) for row in counts.values()), default=0)
        model._log_count = [math.log(c + alpha) for c in range(largest + 1)]
        return model

    def probabilities(self, feats: set[str]) -> dict[Label, float]:
        """Posterior probability of every label (uniform prior)."""
        scores = [0.0] * len(self.labels)
        known = 0
        log_count = self._log_count
        for feature in feats:
            row = self._counts.get(feature)
            if row is None:
                continue  # unseen everywhere: says nothing about any label
            known += 1
            for i, c in enumerate(row):
                scores[i] += log_count[c]
        scores = [s - known * d for s, d in zip(scores, self._log_denominators, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def predict(self, feats: set[str]) -> tuple[Label, float]:
        """The most probable label and its probability."""
        probabilities = self.probabilities(feats)
        label = max(probabilities, key=lambda k: probabilities[k])
        return label, probabilities[label]


@dataclass(slots=True)
class OfflineClassifier:
    """Category, urgency and sentiment of a feedback text, in English or Chinese."""

    category: NaiveBayes[FeedbackCategory]
    urgency: NaiveBayes[Urgency]
    sentiment: NaiveBayes[Sentiment]
    trained_on: int
    """Number of labelled texts it learnt from."""
    products: ProductNames
    """Product names read as one placeholder word (the training catalogue's)."""

    @classmethod
    def train(
        cls,
        items: Sequence[LabelledItem],
        *,
        alpha: float = DEFAULT_ALPHA,
        category_alpha: float = CATEGORY_ALPHA,
        product_names: Iterable[str] = (),
    ) -> OfflineClassifier:
        """Train the three models on labelled items.

        ``product_names`` are the names and aliases of the catalogue the items talk about
        (:func:`catalogue_names`); SKU-like codes are masked without them.
        """
        if not items:
            raise ValueError("the offline feedback classifier needs at least one labelled item")
        products = ProductNames.of(product_names)
        read = ((features(products.mask(without_instructions(i.text)[0])), i) for i in items)
        extracted = [(feats, item) for feats, item in read if feats]
        return cls(
            category=NaiveBayes.train(
                ((f, i.category) for f, i in extracted),
                list(FeedbackCategory),
                alpha=category_alpha,
            ),
            urgency=NaiveBayes.train(
                ((f, i.urgency) for f, i in extracted), list(Urgency), alpha=alpha
            ),
            sentiment=NaiveBayes.train(
                ((f, i.sentiment) for f, i in extracted), list(Sentiment), alpha=alpha
            ),
            trained_on=len(items),
            products=products,
        )

    def classify(self, text: str) -> Classification:
        """Label ``text``; an empty or wordless text is ``other``, normal, neutral.

        Sentences that instruct the assistant (:mod:`~knowledge_base.feedback.instructions`)
        are not read: a text of nothing else is ``other``, low, neutral.

        The category is the model's, unless the taxonomy's precedence
        (:mod:`~knowledge_base.feedback.precedence`) moves it to a more actionable one the
        model also ranked high; ``confidence`` is then that category's probability.
        """
        reported, instructed = without_instructions(text)
        feats = features(self.products.mask(reported))
        if not feats:
            return Classification(
                category=FeedbackCategory.OTHER,
                urgency=Urgency.LOW if instructed else Urgency.NORMAL,
                sentiment=Sentiment.NEUTRAL,
                confidence=0.0,
                source=ClassifierSource.OFFLINE,
            )
        probabilities = self.category.probabilities(feats)
        chosen = max(probabilities, key=lambda k: probabilities[k])
        category = apply_precedence(reported, chosen, probabilities)
        confidence = probabilities[category]
        sentiment, _ = self.sentiment.predict(feats)
        urgency = decide_urgency(reported, category, sentiment, self.urgency.probabilities(feats))
        return Classification(
            category=category,
            urgency=urgency,
            sentiment=sentiment,
            confidence=round(confidence, 4),
            source=ClassifierSource.OFFLINE,
        )


def catalogue_names(knowledge: KnowledgeBase) -> list[str]:
    """Every product name and alias of ``knowledge`` (what the classifier masks)."""
    return [
        n
        for p in knowledge.products.values()
        for n in (p.sku, p.name.en, p.name.zh_cn or "", *p.aliases)
    ]


def label_counts(items: Iterable[LabelledItem]) -> Counter[FeedbackCategory]:
    """How many items each category has (to spot a thin category)."""
    return Counter(item.category for item in items)
