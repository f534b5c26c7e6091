"""After each stored capture: evaluate the anomaly rules, store new alerts, push them.

The rules are the domain's (:mod:`knowledge_base.feedback.anomalies`) with the thresholds of
``[feedback.alerts]``; an alert is stored once, spoken to the connected managers it concerns
(:mod:`voice_agent.feedback.alert_voice`, when a speaker is attached) and pushed to the signed
webhook; delivery (or its failure) is recorded and undelivered alerts are retried after the
next capture.
:class:`AlertingSink` runs this after the commit, off the confirmation's path: the clerk's
confirmation never waits for the rules or the webhook.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from loguru import logger

from knowledge_base.feedback.anomalies import AlertThresholds, Publication, evaluate_alerts
from knowledge_base.feedback.models import FeedbackRecord
from voice_agent.feedback.alert_voice import AlertSpeaker
from voice_agent.feedback.audio import FeedbackAudio
from voice_agent.feedback.recorder import FeedbackSink
from voice_agent.feedback.webhook import AlertWebhook
from voice_agent.signed_webhook import WebhookError
from voice_agent.storage.feedback import SqlFeedbackRepository
from voice_agent.storage.feedback_alerts import SqlFeedbackAlertRepository, StoredAlert
from voice_agent.storage.publications import SqlPublicationRepository
from voice_agent.storage.timestamps import Clock, utc_now


class FeedbackAlerter:
    """Evaluates the rules over recent records and delivers new alerts."""

    def __init__(
        self,
        *,
        records: SqlFeedbackRepository,
        alerts: SqlFeedbackAlertRepository,
        publications: SqlPublicationRepository | None = None,
        thresholds: AlertThresholds | None = None,
        webhook: AlertWebhook | None = None,
        speaker: AlertSpeaker | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """Wire the rules to storage and the webhook.

        Args:
            records: Where feedback records are read.
            alerts: Where alerts are stored.
            publications: Publish moments (for the confusion-after-publish rule).
            thresholds: Rule thresholds (the defaults otherwise).
            webhook: Where alerts are pushed; ``None``: stored only.
            speaker: Says new alerts to connected managers (also :attr:`speaker` later,
                once the service's broadcaster exists); ``None``: nobody hears them.
            clock: The current moment (aware).
        """
        self._records = records
        self._alerts = alerts
        self._publications = publications
        self._thresholds = thresholds or AlertThresholds()
        self._webhook = webhook
        self.speaker = speaker
        self._clock = clock
        self._lock = asyncio.Lock()

    async def check(self, *, zone: tzinfo = UTC) -> list[StoredAlert]:
        """Evaluate the rules now (days read in ``zone``); store, push and return new alerts.

        Checks run one at a time in a process (a burst of captures queues, it does not pile
        up webhook requests).
        """
        async with self._lock:
            return await self._check(zone)

    async def _check(self, zone: tzinfo) -> list[StoredAlert]:
        now = self._clock()
        start = now - self._thresholds.lookback
        recent = await asyncio.to_thread(self._records.since, start)
        publications = await asyncio.to_thread(self._recent_publications, start)
        found = evaluate_alerts(
            recent, today=now.astimezone(zone).date(), publications=publications,
            thresholds=self._thresholds, zone=zone,
        )  # fmt: skip
        new = await asyncio.to_thread(self._alerts.add_new, found, now=now)
        for stored in new:
            logger.warning("feedback alert {}: {}", stored.alert.dedupe_key, stored.alert.message)
            await self._speak(stored)
        await self.deliver()
        return new

    async def deliver(self) -> int:
        """Push undelivered alerts to the webhook, oldest first; return how many it accepted.

        The round stops at the first refusal (the receiver is down: the rest wait for the
        next capture rather than each waiting out a timeout now).
        """
        if self._webhook is None:
            return 0
        delivered = 0
        for stored in await asyncio.to_thread(self._alerts.pending):
            try:
                await self._webhook.send(stored.alert)
            except WebhookError as e:
                logger.warning("alert {} not delivered: {}", stored.alert.dedupe_key, e)
                await asyncio.to_thread(self._alerts.mark_failed, stored.id, error=str(e))
                break
            await asyncio.to_thread(self._alerts.mark_delivered, stored.id, at=self._clock())
            delivered += 1
        return delivered

    async def _speak(self, stored: StoredAlert) -> None:
        if self.speaker is None:
            return
        try:
            told = await self.speaker.speak(stored.alert)
        except Exception as e:  # noqa: BLE001 - the stored alert and the webhook stand
            key = stored.alert.dedupe_key
            logger.error("alert {} not spoken: {}: {}", key, type(e).__name__, e)
            return
        logger.info("alert {} offered to {}", stored.alert.dedupe_key, ", ".join(told) or "nobody")

    def _recent_publications(self, start: datetime) -> list[Publication]:
        if self._publications is None:
            return []
        return [
            Publication(promotion_id=v.promotion_id, at=p.published_at, version=v.version)
            for p in self._publications.list()
            if p.published_at >= start
            for v in p.versions
        ]


class AlertingSink(FeedbackSink):
    """A sink that commits through ``repository``, then checks the alert rules in the background."""

    def __init__(self, *, repository: SqlFeedbackRepository, alerter: FeedbackAlerter) -> None:
        """Commit with ``repository``; evaluate with ``alerter`` after each commit."""
        self._repository = repository
        self._alerter = alerter
        self._tasks: set[asyncio.Task[object]] = set()

    async def add(
        self, records: Sequence[FeedbackRecord], *, audio: FeedbackAudio | None = None
    ) -> None:
        """Commit (raising on failure), then start the rules without waiting for them."""
        await self._repository.add(records, audio=audio)
        zone = records[0].local_time.tzinfo or UTC
        task: asyncio.Task[object] = asyncio.create_task(self._check(zone))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _check(self, zone: tzinfo) -> object:
        try:
            return await self._alerter.check(zone=zone)
        except Exception as e:  # noqa: BLE001 - alerts never break feedback capture
            logger.error("feedback alert rules failed: {}: {}", type(e).__name__, e)
            return None

    async def drain(self) -> None:
        """Wait for the alert checks started so far (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))
