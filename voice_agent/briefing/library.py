"""Stored briefings for a clerk who missed one: the latest for their store, played or quoted.

The adapter behind :class:`pipelines.briefing_requests.BriefingRequestProcessor`. The
request is recognised by the domain (``read_briefing_request``); here the latest ended
briefing whose scope admits the clerk is read from storage: its recording (FLAC, decoded)
for "play me today's briefing", its captions for "what did the briefing say about the
AX-200" (answered with ``briefing_answer``: the manager's sentences that name the item).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, tzinfo

from knowledge_base.answering import Role
from knowledge_base.briefing_requests import (
    BriefingRequestKind,
    briefing_answer,
    briefing_day,
    no_briefing,
    no_recording,
    playing_briefing,
    read_briefing_request,
)
from knowledge_base.briefing_scope import scope_from_dict
from knowledge_base.knowledge import KnowledgeBase
from pipelines.answer_processor import CallerProfile
from pipelines.briefing_requests import BriefingReply, BriefingRequestProcessor
from pipelines.conversation_state import ConversationState
from pipelines.voice_loop import SessionProcessorFactory, SessionProcessors
from voice_agent.feedback.audio import decode_flac
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import BriefingRecord, SqlBriefingRepository
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import Clock, utc_now


class StoredBriefings:
    """One clerk's access to the briefings of their store (a ``BriefingResponder``)."""

    def __init__(
        self,
        *,
        database: Database,
        knowledge: Callable[[], KnowledgeBase],
        caller: CallerProfile,
        clock: Clock = utc_now,
    ) -> None:
        """Answer for ``caller`` (role, store, language) from ``database``."""
        self._briefings = SqlBriefingRepository(database=database)
        self._media = SqlBriefingMediaRepository(database=database)
        self._knowledge = knowledge
        self._caller = caller
        self._clock = clock

    def latest(self) -> BriefingRecord | None:
        """The newest ended briefing whose scope admits the caller (blocking)."""
        store = self._caller.store_id
        for record in reversed(self._briefings.all()):
            if record.ended_at is None:
                continue
            if store and scope_from_dict(record.scope).admits(self._caller.role, {store}):
                return record
        return None

    async def reply(self, text: str) -> BriefingReply | None:
        """Play or quote the latest briefing if ``text`` asks for it; else ``None``."""
        knowledge = self._knowledge()
        request = read_briefing_request(text, knowledge=knowledge)
        if request is None:
            return None
        language = self._caller.language
        record = await asyncio.to_thread(self.latest)
        if record is None:
            return BriefingReply(say=no_briefing(language))
        when = self._when(record, knowledge)
        if request.kind is BriefingRequestKind.PLAY:
            audio = await asyncio.to_thread(self._media.recording, record.id)
            if audio is None:
                return BriefingReply(say=no_recording(when, language))
            samples, rate = await asyncio.to_thread(decode_flac, audio.data)
            return BriefingReply(
                say=playing_briefing(when, language), pcm=samples.tobytes(), sample_rate=rate
            )
        captions = await asyncio.to_thread(self._media.captions, record.id)
        sentences = [c.text for c in captions if c.speaker == record.opened_by]
        return BriefingReply(
            say=briefing_answer(
                request, sentences, knowledge=knowledge, when=when, language=language
            )
        )

    def _when(self, record: BriefingRecord, knowledge: KnowledgeBase) -> str:
        store = self._caller.store_id
        zone: tzinfo = UTC
        if store and knowledge.zone_name(store):
            zone = knowledge.zone(store)
        today = self._clock().astimezone(zone).date()
        return briefing_day(
            record.started_at.astimezone(zone).date(), today=today, language=self._caller.language
        )


def briefings_for_clerks(
    *, database: Database, knowledge: Callable[[], KnowledgeBase], output_sample_rate: int
) -> Callable[[str, CallerProfile], SessionProcessorFactory | None]:
    """Per clerk (or store manager), the processor that answers their briefing requests."""

    def for_clerk(_identity: str, caller: CallerProfile) -> SessionProcessorFactory | None:
        if not caller.store_id or caller.role not in (Role.CLERK, Role.STORE_MANAGER):
            return None
        responder = StoredBriefings(database=database, knowledge=knowledge, caller=caller)

        def build(state: ConversationState) -> SessionProcessors:
            processor = BriefingRequestProcessor(
                state=state, responder=responder, output_sample_rate=output_sample_rate
            )
            return SessionProcessors(before_answer=[processor])

        return build

    return for_clerk
