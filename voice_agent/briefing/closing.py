"""Concluding a briefing from what its node stored: the one way a briefing is closed.

Used when a briefing ends on its node (:class:`~voice_agent.briefing.desk.BriefingDesk`) and
when another node, or the same one started again, closes a briefing whose node died
(:class:`~voice_agent.briefing.recovery.BriefingRecovery`). Everything is read back from
storage, where the running node wrote it as it happened
(:mod:`voice_agent.storage.briefing_journal`), and stored in this order: the recording
(the audio chunks as one FLAC), the attendance (stretches still open closed at the end),
the changes proposed from the manager's captions, and the end with its summary and reason;
the chunks are dropped last, so a conclusion cut short is done again from the start.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from loguru import logger

from knowledge_base.briefing_end import EndReason, conclude
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.feedback.audio import FeedbackAudioError, encode_flac
from voice_agent.storage.briefing_journal import SqlBriefingJournal
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import BriefingRecord, SqlBriefingRepository
from voice_agent.storage.engine import Database

MAX_BRIEFING_SECS = 3600.0
"""Longest recording kept (an hour); later audio is captioned but not recorded."""


@dataclass(frozen=True, slots=True)
class BriefingStores:
    """The repositories a briefing is written to."""

    briefings: SqlBriefingRepository
    media: SqlBriefingMediaRepository
    journal: SqlBriefingJournal

    @classmethod
    def of(cls, database: Database) -> BriefingStores:
        """All three over the (upgraded) ``database``."""
        return cls(
            briefings=SqlBriefingRepository(database=database),
            media=SqlBriefingMediaRepository(database=database),
            journal=SqlBriefingJournal(database=database),
        )


async def close_briefing(
    stores: BriefingStores,
    record: BriefingRecord,
    *,
    knowledge: KnowledgeBase,
    ended_at: datetime,
    reason: EndReason,
) -> BriefingRecord:
    """Store the result of ``record`` ended at ``ended_at`` (see the module docstring)."""
    briefing_id = record.id
    reference = None
    pcm, rate = await asyncio.to_thread(stores.journal.audio, briefing_id)
    if pcm:
        try:
            audio = await asyncio.to_thread(encode_flac, pcm, rate, max_secs=MAX_BRIEFING_SECS)
        except FeedbackAudioError as e:
            logger.warning("briefing {}: recording not kept: {}", briefing_id, e)
        else:
            reference = await asyncio.to_thread(stores.media.save_recording, briefing_id, audio)
    captions = await asyncio.to_thread(stores.media.captions, briefing_id)
    presences = await asyncio.to_thread(stores.briefings.presences, briefing_id)
    outcome = conclude(
        captions, presences, knowledge=knowledge, speaker=record.opened_by, ended_at=ended_at
    )
    await asyncio.to_thread(stores.journal.replace_presences, briefing_id, outcome.presences)
    # A conclusion cut short after proposing is done again: its proposals are not repeated.
    if not await asyncio.to_thread(stores.briefings.changes, briefing_id):
        for proposal in outcome.proposals:
            await asyncio.to_thread(stores.briefings.propose, briefing_id, proposal)
    await asyncio.to_thread(
        stores.briefings.close,
        briefing_id,
        ended_at=ended_at,
        recording=reference,
        summary=outcome.summary,
        ended_because=reason.value,
    )
    await asyncio.to_thread(stores.journal.drop_chunks, briefing_id)
    logger.info(
        "briefing {} closed ({}): {} caption(s), {} participant stretch(es), {} proposal(s)",
        briefing_id,
        reason.value,
        len(captions),
        len(outcome.presences),
        len(outcome.proposals),
    )
    if captions and not outcome.proposals:
        # Why nothing was proposed is read from what the manager was heard to say.
        logger.info(
            "briefing {}: no change heard in {}",
            briefing_id,
            " | ".join(f"{c.speaker}: {c.text}" for c in captions),
        )
    closed = await asyncio.to_thread(stores.briefings.get, briefing_id)
    assert closed is not None
    return closed
