"""Escalating an unacknowledged notice: the record, the store managers' sessions, the webhook.

The broadcaster decides *when* (:func:`knowledge_base.notice_queue.next_step` says
``escalate``); :class:`Escalator` does it: it stores ``escalated_at`` on the delivery first,
offers :func:`knowledge_base.notices.escalation_notice` to every connected store manager of
the clerk's store (only clerks are escalated to a manager), and posts the signed webhook in
the background (a failed POST is logged; the record and the spoken notice stand).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from loguru import logger

from knowledge_base.answering import Role
from knowledge_base.delivery import Delivery, Escalated, apply
from knowledge_base.notice_scope import Publication as Announcement
from knowledge_base.notices import escalation_notice
from knowledge_base.rosters import Roster, StaffMember
from voice_agent.broadcast.channel import NoticeChannel, Utterance, UtteranceKind
from voice_agent.broadcast.escalation import Escalation
from voice_agent.storage import SqlNoticeRepository


class EscalationSink(Protocol):
    """Where escalations go besides the record and the managers' sessions (the webhook)."""

    async def send(self, escalation: Escalation) -> None:
        """Deliver it (raise on failure; the broadcaster logs and carries on)."""
        ...


class Escalator:
    """Carries out escalations for one broadcaster.

    Args:
        notices: Where the escalated delivery is stored.
        language: Language of the escalation text when a session does not say.
        webhook: Also told of every escalation (optional).
        clock: The current time (aware).
        serial: Numbers the offered utterances (shared with the broadcaster's offers).
    """

    def __init__(
        self,
        *,
        notices: SqlNoticeRepository,
        language: str,
        webhook: EscalationSink | None,
        clock: Callable[[], datetime],
        serial: itertools.count[int],
    ) -> None:
        self._notices = notices
        self._language = language
        self._webhook = webhook
        self._clock = clock
        self._serial = serial
        self._tasks: set[asyncio.Task[None]] = set()

    async def escalate(
        self,
        member: StaffMember,
        delivery: Delivery,
        *,
        announced: Announcement,
        roster: Roster | None,
        channels: Mapping[str, NoticeChannel],
    ) -> None:
        """``member`` has not acknowledged ``delivery``: record it, tell the managers."""
        now = self._clock()
        escalated = apply(delivery, Escalated(now))
        await asyncio.to_thread(self._notices.save, escalated)
        managers = (
            [m for m in (roster or Roster(())).store_managers(member.store_id)]
            if member.role is Role.CLERK and member.store_id
            else []
        )
        text = escalation_notice(
            announced, clerk_name=member.name, plays=delivery.plays, language=self._language
        )
        escalation = Escalation(
            delivery=escalated,
            clerk_name=member.name,
            store_id=member.store_id,
            managers=tuple(m.identity for m in managers),
            text=text,
            at=now,
        )
        logger.info(
            "broadcast: {} not acknowledged by {}; escalated to {}",
            delivery.notice_id,
            member.identity,
            ", ".join(escalation.managers) or "nobody on the roster",
        )
        for manager in managers:
            channel = channels.get(manager.identity)
            if channel is None:
                continue
            language = channel.language or self._language
            spoken = escalation_notice(
                announced, clerk_name=member.name, plays=delivery.plays, language=language
            )
            await channel.offer(
                Utterance(
                    id=f"{delivery.notice_id}/{member.identity}/escalation/{next(self._serial)}",
                    notice_id=delivery.notice_id,
                    kind=UtteranceKind.ESCALATION,
                    text=spoken,
                    language=language,
                )
            )
        if self._webhook is not None:
            task = asyncio.create_task(self._send(escalation))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Wait until every escalation being sent has been sent (or failed)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _send(self, escalation: Escalation) -> None:
        assert self._webhook is not None
        try:
            await self._webhook.send(escalation)
        except Exception as e:  # noqa: BLE001 - the record and the spoken notice stand
            logger.warning(
                "broadcast: escalation webhook failed for {} ({}): {}",
                escalation.delivery.notice_id,
                escalation.delivery.clerk,
                e,
            )
