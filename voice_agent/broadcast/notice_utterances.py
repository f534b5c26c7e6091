"""What a session is given to say for a notice: the notice composed for one person.

The text is :func:`knowledge_base.notices.compose_notice` for the person's role and store, in
the session's language; the utterance's id is unique within the process.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

from knowledge_base.delivery import Delivery, DeliveryPolicy
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.notice_scope import Audience
from knowledge_base.notices import compose_notice
from knowledge_base.rosters import StaffMember
from voice_agent.broadcast.announcements import Announcements
from voice_agent.broadcast.channel import NoticeChannel, Utterance, UtteranceKind


class NoticeUtterances:
    """Builds the utterances of notices for connected sessions (arguments as the follow-up's)."""

    def __init__(
        self,
        *,
        announcements: Announcements,
        knowledge: Callable[[], KnowledgeBase],
        policy: DeliveryPolicy,
        language: str,
        serial: itertools.count[int],
    ) -> None:
        self._announcements = announcements
        self._knowledge = knowledge
        self._policy = policy
        self._language = language
        self._serial = serial

    def language(self, channel: NoticeChannel) -> str:
        """The language to speak to ``channel`` in."""
        return channel.language or self._language

    async def utterance(
        self,
        channel: NoticeChannel,
        member: StaffMember,
        delivery: Delivery,
        kind: UtteranceKind,
        *,
        within: timedelta | None = None,
    ) -> Utterance:
        """``delivery``'s notice for ``member``; to acknowledge within ``within`` (or policy's)."""
        language = self.language(channel)
        notice = compose_notice(
            await self._announcements.of(delivery.notice_id),
            knowledge=self._knowledge(),
            audience=Audience.of(member),
            language=language,
        )
        return Utterance(
            id=f"{delivery.notice_id}/{member.identity}/{kind.value}/{next(self._serial)}",
            notice_id=delivery.notice_id,
            kind=kind,
            text=notice.text,
            language=language,
            acknowledge_within_secs=(within or self._policy.acknowledge_within).total_seconds(),
        )
