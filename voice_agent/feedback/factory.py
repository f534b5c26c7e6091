"""Build the configured feedback classifier from settings (the composition root's helper)."""

from __future__ import annotations

from pathlib import Path

from voice_agent.answerers.factory import build_client
from voice_agent.feedback.classifiers import (
    FeedbackClassifier,
    LLMFeedbackClassifier,
    OfflineFeedbackClassifier,
)
from voice_agent.feedback.sets import shared_offline_classifier
from voice_agent.settings import Settings


def build_feedback_classifier(settings: Settings, *, kind: str | None = None) -> FeedbackClassifier:
    """The offline classifier, or the LLM one (with offline fallback) when configured.

    Args:
        settings: Loaded settings (``[feedback]``; the LLM endpoint defaults to
            ``[answerer.openai]``'s).
        kind: ``offline`` or ``llm``, overriding ``feedback.classifier``.

    Raises:
        AnswererConfigError: ``llm`` with no API key for a remote endpoint.
        FeedbackSetError: the training set cannot be read.
    """
    config = settings.feedback
    training = Path(config.training_set) if config.training_set else None
    offline = shared_offline_classifier(training)
    if (kind or config.classifier) == "offline":
        return OfflineFeedbackClassifier(classifier=offline)
    endpoint = settings.answerer.openai.model_copy(
        update={
            "base_url": config.llm.base_url or settings.answerer.openai.base_url,
            "model": config.llm.model or settings.answerer.openai.model,
        }
    )
    return LLMFeedbackClassifier(
        client=build_client(endpoint),
        model=endpoint.model,
        fallback=offline,
        deadline_secs=config.llm.deadline_secs,
        max_tokens=config.llm.max_tokens,
    )
