"""The service's briefings: open one (the assistant joins its room), close it, store the result.

:class:`BriefingDesk` is built once per service (``app.state.briefings``). Opening stores
the briefing and starts a :class:`~voice_agent.briefing.room.BriefingRoom` in
``briefing-<id>``; each caption is stored as it is published. When the room ends (closed
over HTTP or the CLI, the manager gone for ``speaker_absent_secs``, or never come) the desk
stores, in this order: the recording (FLAC), every participant's stretches of presence, the
changes proposed from the manager's captions, and the end with the summary. Only then does
:meth:`BriefingDesk.close` return.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger

from knowledge_base.briefing import Caption, propose_changes, summarize
from knowledge_base.briefing_scope import BriefingScope
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.briefing.room import MAX_BRIEFING_SECS, BriefingRoom
from voice_agent.feedback.audio import FeedbackAudioError, encode_flac
from voice_agent.livekit.rooms import briefing_room_name
from voice_agent.runtime import Runtime
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import BriefingRecord, SqlBriefingRepository
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import Clock, utc_now


class BriefingNotOpenError(LookupError):
    """No briefing with that id is running on this node."""

    code = "briefing_not_open"


@dataclass(slots=True)
class _Running:
    room: BriefingRoom
    task: asyncio.Task[BriefingRecord]


class BriefingDesk:
    """Runs the briefings of one service (see the module docstring).

    Args:
        runtime: Models, transcriber and the knowledge base served now.
        database: Where briefings are stored.
        endpoint: The LiveKit server (called when a briefing opens).
        speaker_absent_secs: A briefing ends once its manager has been gone this long.
        speaker_wait_secs: A briefing ends if its manager has not joined by then.
        clock: Now (aware).
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        database: Database,
        endpoint: Callable[[], LiveKitEndpoint],
        speaker_absent_secs: float = 15.0,
        speaker_wait_secs: float = 600.0,
        clock: Clock = utc_now,
    ) -> None:
        self._runtime = runtime
        self._endpoint = endpoint
        self._briefings = SqlBriefingRepository(database=database)
        self._media = SqlBriefingMediaRepository(database=database)
        self._absent_secs = speaker_absent_secs
        self._wait_secs = speaker_wait_secs
        self._clock = clock
        self._running: dict[str, _Running] = {}

    @property
    def open_ids(self) -> list[str]:
        """Briefings running on this node."""
        return sorted(self._running)

    async def open(self, scope: BriefingScope, *, opened_by: str) -> BriefingRecord:
        """Store a new briefing for ``scope`` and send the assistant into its room.

        ``opened_by`` is the manager: the only participant the assistant listens to.
        """
        now = self._clock()
        briefing_id = f"{now:%Y%m%d}-{secrets.token_hex(4)}"
        record = BriefingRecord(
            id=briefing_id, scope=scope.to_dict(), opened_by=opened_by, started_at=now
        )
        await asyncio.to_thread(self._briefings.open, record)
        room = BriefingRoom(
            runtime=self._runtime,
            endpoint=self._endpoint(),
            briefing_id=briefing_id,
            room=briefing_room_name(briefing_id),
            speaker=opened_by,
            on_caption=lambda caption: self._store_caption(briefing_id, caption),
            speaker_absent_secs=self._absent_secs,
            speaker_wait_secs=self._wait_secs,
        )
        task = asyncio.create_task(self._run(room), name=f"briefing {briefing_id}")
        self._running[briefing_id] = _Running(room=room, task=task)
        logger.info("briefing {} opened by {} for {}", briefing_id, opened_by, scope.store_ids)
        return record

    def room(self, briefing_id: str) -> BriefingRoom | None:
        """The running room of ``briefing_id`` on this node, if any."""
        running = self._running.get(briefing_id)
        return running.room if running else None

    async def close(self, briefing_id: str) -> BriefingRecord:
        """End the briefing and wait until its results are stored; the closed record.

        Raises:
            BriefingNotOpenError: It is not running on this node.
        """
        running = self._running.get(briefing_id)
        if running is None:
            raise BriefingNotOpenError(f"briefing {briefing_id!r} is not open on this service")
        await running.room.close()
        return await asyncio.shield(running.task)

    async def wait(self, briefing_id: str) -> BriefingRecord | None:
        """Wait until a running briefing ended and was stored (``None``: not running)."""
        running = self._running.get(briefing_id)
        return await asyncio.shield(running.task) if running else None

    async def close_all(self) -> None:
        """End every running briefing (at shutdown), storing what each captured."""
        for briefing_id in list(self._running):
            try:
                await self.close(briefing_id)
            except Exception:  # noqa: BLE001 - one failing briefing must not stop the others
                logger.exception("briefing {} did not close cleanly", briefing_id)

    async def _store_caption(self, briefing_id: str, caption: Caption) -> None:
        await asyncio.to_thread(self._media.add_caption, briefing_id, caption)

    async def _run(self, room: BriefingRoom) -> BriefingRecord:
        try:
            await room.run()
        except Exception:  # noqa: BLE001 - what was captured is still stored below
            logger.exception("[{}] briefing room failed", room.room)
        try:
            return await self._finish(room)
        finally:
            self._running.pop(room.briefing_id, None)

    async def _finish(self, room: BriefingRoom) -> BriefingRecord:
        """Store the recording, attendance, proposed changes and the summary, in that order."""
        ended_at = self._clock()
        take = room.take()
        briefing_id = room.briefing_id
        reference = None
        if take.pcm:
            try:
                audio = await asyncio.to_thread(
                    encode_flac, take.pcm, take.sample_rate, max_secs=MAX_BRIEFING_SECS
                )
            except FeedbackAudioError as e:
                logger.warning("[{}] recording not kept: {}", room.room, e)
            else:
                reference = await asyncio.to_thread(self._media.save_recording, briefing_id, audio)
        for presence in take.presences:
            await asyncio.to_thread(self._briefings.add_presence, briefing_id, presence)
        knowledge = self._runtime.knowledge
        proposals = propose_changes(take.captions, knowledge=knowledge, speaker=room.speaker)
        for proposal in proposals:
            await asyncio.to_thread(self._briefings.propose, briefing_id, proposal)
        summary = summarize(take.captions, knowledge=knowledge)
        await asyncio.to_thread(
            self._briefings.close,
            briefing_id,
            ended_at=ended_at,
            recording=reference,
            summary=summary.text,
        )
        logger.info(
            "briefing {} closed ({}): {} caption(s), {} participant stretch(es), {} proposal(s)",
            briefing_id,
            room.ended_because,
            len(take.captions),
            len(take.presences),
            len(proposals),
        )
        record = await asyncio.to_thread(self._briefings.get, briefing_id)
        assert record is not None
        return record
