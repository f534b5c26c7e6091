"""Escalations spoken to store managers, on whichever node runs the manager's session.

An escalation is a stored delivery record (``escalated_at``), visible to every node. Each
node offers the recent ones (:func:`knowledge_base.escalation_reach.escalations_to_speak`)
to the store managers it runs sessions for: right after an escalation of its own, at every
tick (another node's escalation), and when a manager connects (an escalation made before
they came). Each offer is first recorded in ``escalations_spoken``
(:meth:`~voice_agent.storage.broadcast_escalations.SqlEscalations.claim_spoken`), so a
manager hears one escalation once, whichever node and however many restarts.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping
from datetime import timedelta

from loguru import logger

from knowledge_base.answering import Role
from knowledge_base.escalation_reach import escalations_to_speak
from knowledge_base.notices import escalation_notice
from knowledge_base.rosters import Roster
from voice_agent.broadcast.announcements import Announcements
from voice_agent.broadcast.channel import NoticeChannel, Utterance, UtteranceKind
from voice_agent.storage.broadcast_escalations import SqlEscalations
from voice_agent.storage.timestamps import Clock


class ManagersHearEscalations:
    """Offers stored escalations to connected store managers, once each.

    Args:
        escalations: The escalation records and who was told.
        announcements: What each notice announced (for the spoken text).
        node: This node's id (recorded with each offer).
        language: Language when a session does not say.
        within: How long after an escalation a manager still hears it.
        clock: The current time (aware).
        serial: Numbers the offered utterances (shared with the broadcaster's offers).
    """

    def __init__(
        self,
        *,
        escalations: SqlEscalations,
        announcements: Announcements,
        node: str,
        language: str,
        within: timedelta,
        clock: Clock,
        serial: itertools.count[int],
    ) -> None:
        self._escalations = escalations
        self._announcements = announcements
        self._node = node
        self._language = language
        self._within = within
        self._clock = clock
        self._serial = serial

    async def offer_due(self, channels: Mapping[str, NoticeChannel], roster: Roster) -> int:
        """Offer each connected store manager the recent escalations they have not heard.

        Returns:
            How many escalations were offered.
        """
        managers = [
            member
            for identity in channels
            if (member := roster.member(identity)) is not None and member.role is Role.STORE_MANAGER
        ]
        if not managers:
            return 0
        now = self._clock()
        recent = await asyncio.to_thread(self._escalations.escalated_since, now - self._within)
        offered = 0
        for manager in managers:
            for delivery in escalations_to_speak(
                manager, recent, roster, now=now, within=self._within
            ):
                claimed = await asyncio.to_thread(
                    self._escalations.claim_spoken,
                    delivery,
                    manager=manager.identity,
                    node=self._node,
                    at=now,
                )
                if not claimed:
                    continue  # told already, by this node or another
                clerk = roster.member(delivery.clerk)
                channel = channels[manager.identity]
                language = channel.language or self._language
                text = escalation_notice(
                    await self._announcements.of(delivery.notice_id),
                    clerk_name=clerk.name if clerk else delivery.clerk,
                    plays=delivery.plays,
                    language=language,
                )
                logger.info(
                    "broadcast: telling {} that {} has not acknowledged {}",
                    manager.identity,
                    delivery.clerk,
                    delivery.notice_id,
                )
                await channel.offer(
                    Utterance(
                        id=f"{delivery.notice_id}/{delivery.clerk}/escalation/{next(self._serial)}",
                        notice_id=delivery.notice_id,
                        kind=UtteranceKind.ESCALATION,
                        text=text,
                        language=language,
                    )
                )
                offered += 1
        return offered
