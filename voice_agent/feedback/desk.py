"""Everything a process needs for feedback, built once from settings over one database.

The service (``app.state.feedback``) and the CLI share it: the record repository, the alert
repository, the sink that commits then checks the alert rules, and recorders for captures.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from knowledge_base.knowledge import KnowledgeBase
from voice_agent.feedback.alerting import AlertingSink, FeedbackAlerter
from voice_agent.feedback.classifiers import FeedbackClassifier
from voice_agent.feedback.factory import (
    alert_thresholds,
    build_alert_webhook,
    build_feedback_classifier,
)
from voice_agent.feedback.recorder import FeedbackRecorder
from voice_agent.settings import Settings
from voice_agent.storage.engine import Database
from voice_agent.storage.feedback import SqlFeedbackRepository
from voice_agent.storage.feedback_alerts import SqlFeedbackAlertRepository
from voice_agent.storage.publications import SqlPublicationRepository


@dataclass(slots=True)
class FeedbackDesk:
    """Feedback storage, alerts and recording for one process."""

    settings: Settings
    records: SqlFeedbackRepository
    alerts: SqlFeedbackAlertRepository
    alerter: FeedbackAlerter
    sink: AlertingSink
    _classifier: FeedbackClassifier | None = field(default=None, repr=False)

    @classmethod
    def build(cls, *, settings: Settings, database: Database) -> FeedbackDesk:
        """Wire the repositories, the alert rules and the webhook from ``settings``.

        Raises:
            ValueError: ``feedback.webhook_url`` without a secret.
        """
        records = SqlFeedbackRepository(database=database)
        alerts = SqlFeedbackAlertRepository(database=database)
        alerter = FeedbackAlerter(
            records=records,
            alerts=alerts,
            publications=SqlPublicationRepository(database=database),
            thresholds=alert_thresholds(settings.feedback.alerts),
            webhook=build_alert_webhook(settings),
        )
        sink = AlertingSink(repository=records, alerter=alerter)
        return cls(settings, records, alerts, alerter, sink)

    def classifier(self) -> FeedbackClassifier:
        """The configured classifier, built on first use (training takes a moment).

        Raises:
            AnswererConfigError: ``llm`` with no API key for a remote endpoint.
            FeedbackSetError: The training set cannot be read.
        """
        if self._classifier is None:
            self._classifier = build_feedback_classifier(self.settings)
        return self._classifier

    async def prepare(self) -> None:
        """Build the classifier now, off the event loop.

        Training reads the labelled set and takes seconds; built by a clerk's first session
        instead, it held up the whole event loop: every other session, and the worker's
        answers to LiveKit's job offers (which LiveKit gives up on after 3 s).

        Raises:
            AnswererConfigError: ``llm`` with no API key for a remote endpoint.
            FeedbackSetError: The training set cannot be read.
        """
        await asyncio.to_thread(self.classifier)

    def recorder(self, knowledge: KnowledgeBase) -> FeedbackRecorder:
        """A recorder over ``knowledge`` (the one served now) committing into :attr:`sink`."""
        return FeedbackRecorder(
            knowledge=knowledge,
            classifier=self.classifier(),
            sink=self.sink,
            max_chunk_chars=self.settings.feedback.max_chunk_chars,
        )
