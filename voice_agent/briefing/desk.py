"""The service's briefings: open one (the assistant joins its room), close it, store the result.

:class:`BriefingDesk` is built once per service (``app.state.briefings``). Opening stores
the briefing and starts a :class:`~voice_agent.briefing.room.BriefingRoom` in
``briefing-<id>``; each caption is stored as it is published. About every second
(``flush_secs``) the desk stores what the room captured since: the manager's audio as a
chunk, each join and leave, and renews the briefing's ``seen_at`` with this node's id, so
that a node that dies loses at most the last second. When the room ends (closed over HTTP
or the CLI, the manager gone for ``speaker_absent_secs``, or never come) the desk concludes
it (:func:`~voice_agent.briefing.closing.close_briefing`: the recording, attendance,
proposed changes and the summary, in that order); only then does :meth:`BriefingDesk.close`
return. :meth:`BriefingDesk.start` closes briefings whose node died
(:class:`~voice_agent.briefing.recovery.BriefingRecovery`) at start and at every tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from loguru import logger

from knowledge_base.briefing import Caption
from knowledge_base.briefing_end import EndReason
from knowledge_base.briefing_scope import BriefingScope
from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.briefing.closing import BriefingStores, close_briefing
from voice_agent.briefing.recovery import BriefingRecovery
from voice_agent.briefing.room import Attended, BriefingRoom
from voice_agent.livekit.rooms import briefing_room_name
from voice_agent.runtime import Runtime
from voice_agent.storage.broadcast_briefings import BriefingRecord
from voice_agent.storage.engine import Database
from voice_agent.storage.timestamps import Clock, utc_now


class BriefingNotOpenError(LookupError):
    """No briefing with that id is running on this node."""

    code = "briefing_not_open"


@dataclass(slots=True)
class _Running:
    room: BriefingRoom
    task: asyncio.Task[BriefingRecord]
    chunks: int = 0
    """Audio chunks stored so far."""
    pcm: bytearray = field(default_factory=bytearray)
    """Audio drained from the room and not stored yet."""
    sample_rate: int = 0
    attended: list[Attended] = field(default_factory=list)
    """Joins and leaves drained from the room and not stored yet, in order."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """One flush at a time (the periodic one and the last one at the end)."""


class BriefingDesk:
    """Runs the briefings of one service (see the module docstring).

    Args:
        runtime: Models, transcriber and the knowledge base served now.
        database: Where briefings are stored.
        endpoint: The LiveKit server (called when a briefing opens).
        speaker_absent_secs: A briefing ends once its manager has been gone this long.
        speaker_wait_secs: A briefing ends if its manager has not joined by then.
        node: This node's id on the briefings it runs (default: a new random one).
        shared: Other nodes may run briefings over the same database (a cluster).
        stale_after_secs: A briefing whose node has not renewed it this long (by the
            database's clock) lost its node; with ``shared``, another node closes it then.
        flush_secs: How often a running briefing's audio, joins and leaves are stored.
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
        node: str | None = None,
        shared: bool = False,
        stale_after_secs: float = 10.0,
        flush_secs: float = 1.0,
        clock: Clock = utc_now,
    ) -> None:
        self._runtime = runtime
        self._endpoint = endpoint
        self._stores = BriefingStores.of(database)
        self._absent_secs = speaker_absent_secs
        self._wait_secs = speaker_wait_secs
        self._flush_secs = flush_secs
        self._clock = clock
        self.node = node or uuid.uuid4().hex[:12]
        """This node's id on the briefings it runs."""
        self._running: dict[str, _Running] = {}
        self._opening: set[str] = set()
        self.recovery = BriefingRecovery(
            stores=self._stores,
            knowledge=lambda: runtime.knowledge,
            node=self.node,
            shared=shared,
            stale_after=timedelta(seconds=stale_after_secs),
            running_here=lambda: self._opening | set(self._running),
        )
        self._ticker: asyncio.Task[None] | None = None

    async def start(self, *, tick_secs: float | None = None) -> None:
        """Close the briefings whose node died; with ``tick_secs``, keep doing so."""
        await self.recovery.recover()
        if tick_secs is not None:
            self._ticker = asyncio.create_task(self.recovery.run(tick_secs))

    async def stop(self) -> None:
        """Stop looking for briefings whose node died (running ones go on)."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None

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
        self._opening.add(briefing_id)
        try:
            await asyncio.to_thread(self._stores.briefings.open, record)
            await asyncio.to_thread(self._stores.journal.renew, [briefing_id], node=self.node)
        except BaseException:
            self._opening.discard(briefing_id)
            raise
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
        self._opening.discard(briefing_id)
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
        await asyncio.to_thread(self._stores.media.add_caption, briefing_id, caption)

    async def _run(self, room: BriefingRoom) -> BriefingRecord:
        ended = asyncio.Event()
        flushing = asyncio.create_task(self._flush_until(room.briefing_id, ended))
        try:
            await room.run()
        except Exception:  # noqa: BLE001 - what was captured is still stored below
            logger.exception("[{}] briefing room failed", room.room)
        finally:
            # Not cancelled: a write under way finishes first (a join before its leave).
            ended.set()
            await flushing
        try:
            await self._flush(room.briefing_id)
            record = await asyncio.to_thread(self._stores.briefings.get, room.briefing_id)
            assert record is not None
            if record.ended_at is not None:
                # This node was silent past the limit and another closed it: keep that.
                logger.warning(
                    "briefing {} was closed by another node ({}) meanwhile",
                    record.id,
                    record.ended_because,
                )
                await asyncio.to_thread(self._stores.journal.drop_chunks, record.id)
                return record
            return await close_briefing(
                self._stores,
                record,
                knowledge=self._runtime.knowledge,
                ended_at=self._clock(),
                reason=EndReason(room.ended_because),
            )
        finally:
            self._running.pop(room.briefing_id, None)

    async def _flush_until(self, briefing_id: str, ended: asyncio.Event) -> None:
        while not ended.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ended.wait(), self._flush_secs)
            try:
                await self._flush(briefing_id)
            except Exception:  # noqa: BLE001 - kept in memory: the next flush stores it
                logger.exception("briefing {}: storing what it captured failed", briefing_id)

    async def _flush(self, briefing_id: str) -> None:
        """Store the room's audio, joins and leaves since the last flush; renew the briefing.

        What a failed write did not store stays pending for the next flush.
        """
        running = self._running.get(briefing_id)
        if running is None:
            return
        journal = self._stores.journal
        async with running.lock:
            drained = running.room.drain()
            running.attended.extend(drained.attended)
            running.pcm.extend(drained.pcm)
            running.sample_rate = drained.sample_rate
            while running.attended:
                event = running.attended[0]
                store = journal.left if event.left else journal.joined
                await asyncio.to_thread(store, briefing_id, event.identity, event.at)
                running.attended.pop(0)
            if running.pcm:
                await asyncio.to_thread(
                    journal.add_chunk,
                    briefing_id,
                    running.chunks + 1,
                    bytes(running.pcm),
                    sample_rate=running.sample_rate,
                )
                running.chunks += 1
                running.pcm.clear()
            await asyncio.to_thread(journal.renew, [briefing_id], node=self.node)
