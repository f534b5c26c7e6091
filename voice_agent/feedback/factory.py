"""Build the configured feedback classifier and alert thresholds from settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from knowledge_base.feedback.anomalies import AlertThresholds
from voice_agent.answerers.factory import build_client
from voice_agent.feedback.classifiers import (
    FeedbackClassifier,
    LLMFeedbackClassifier,
    OfflineFeedbackClassifier,
)
from voice_agent.feedback.sets import shared_offline_classifier
from voice_agent.feedback.webhook import AlertWebhook
from voice_agent.feedback_settings import FeedbackAlertSettings
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


def alert_thresholds(config: FeedbackAlertSettings) -> AlertThresholds:
    """The alert rules' thresholds from ``[feedback.alerts]``."""
    return AlertThresholds(
        stock_out_min_stores=config.stock_out_min_stores,
        stock_out_window=timedelta(minutes=config.stock_out_window_minutes),
        surge_ratio=config.surge_ratio,
        surge_min_count=config.surge_min_count,
        surge_baseline_days=config.surge_baseline_days,
        confusion_min_stores=config.confusion_min_stores,
        confusion_window=timedelta(minutes=config.confusion_window_minutes),
    )


def build_alert_webhook(settings: Settings) -> AlertWebhook | None:
    """The signed alert webhook, or ``None`` when ``feedback.webhook_url`` is empty.

    Raises:
        ValueError: a URL without ``feedback.webhook_secret``.
    """
    config = settings.feedback
    if not config.webhook_url:
        return None
    secret = config.webhook_secret.get_secret_value() if config.webhook_secret else ""
    if not secret:
        raise ValueError(
            "feedback.webhook_url is set but feedback.webhook_secret is empty: set"
            " VOICE_AGENT_FEEDBACK__WEBHOOK_SECRET"
        )
    return AlertWebhook(url=config.webhook_url, secret=secret)
