"""The earpieces of ``bench broadcast``, run in the clerks' process, ahead of the service.

:func:`run_earpieces` is the work :func:`~voice_agent.benchmarks.clerk_process.run_in_clerk_process`
runs in a child process: on a floor the earpieces are other machines, so their WebRTC and
audio decoding must not take the cores and event loop the service is measured on. Each
earpiece joins its clerk's room and, once every one hears the assistant's audio track, the
child writes the round's ready file (the parent publishes only then). From then on each
earpiece notes the wall-clock time of every onset of voiced audio it hears, and the child
reads the round's database every 0.1 s to press "ack" on each earpiece whose delivery is
stored as played. It stops once every delivery is acknowledged, at the time limit, or
when the parent writes the stop file.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc
from loguru import logger

RATE = 16000
VOICED_RMS = 300.0
"""Int16 RMS above which a received frame counts as the notice's audio (about -40 dBFS)."""
_POLL_SECS = 0.1


@dataclass(frozen=True, slots=True)
class EarpiecePlan:
    """One earpiece to run: the clerk and their token for their own room."""

    identity: str
    token: str


@dataclass(frozen=True, slots=True)
class RoundFiles:
    """The files parent and clerks' process signal each other with (in the round's scratch)."""

    ready: Path
    """Written by the clerks' process once every earpiece hears the assistant (or time ran out)."""
    stop: Path
    """Written by the parent when it needs the earpieces to stop early."""

    @classmethod
    def in_dir(cls, scratch: Path) -> RoundFiles:
        """The two files in ``scratch``."""
        return cls(ready=scratch / "earpieces-ready", stop=scratch / "earpieces-stop")


@dataclass(frozen=True, slots=True)
class EarpieceReport:
    """What one earpiece noted, in wall-clock time (it crosses processes)."""

    identity: str
    heard_assistant: bool
    """Whether the assistant's audio track reached it before the publish."""
    voiced_onsets_unix: tuple[float, ...]
    """When voiced audio began after a frame that was not voiced (``time.time()``)."""
    ack_pressed_at: datetime | None

    def first_audio_after(self, moment: datetime) -> float | None:
        """Seconds from ``moment`` to the first voiced onset at or after it, if any."""
        start = moment.timestamp()
        return next((t - start for t in self.voiced_onsets_unix if t >= start), None)


def is_voiced(frame: bytes) -> bool:
    """Whether 16-bit PCM ``frame`` is louder than :data:`VOICED_RMS`."""
    samples = np.frombuffer(frame, dtype=np.int16).astype(np.float64)
    return bool(samples.size) and float(np.sqrt(np.mean(samples**2))) > VOICED_RMS


@dataclass
class _Earpiece:
    """One clerk's side: hears the assistant, notes voiced onsets, presses "ack"."""

    plan: EarpiecePlan
    room: rtc.Room = field(default_factory=rtc.Room)
    heard_assistant: bool = False
    onsets: list[float] = field(default_factory=list)
    ack_pressed_at: datetime | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.room.on("track_subscribed", self._subscribed)

    def _subscribed(
        self, track: rtc.Track, _publication: Any, participant: rtc.RemoteParticipant
    ) -> None:
        from voice_agent.agent.transport import AGENT_IDENTITY

        if track.kind == rtc.TrackKind.KIND_AUDIO and participant.identity == AGENT_IDENTITY:
            self.heard_assistant = True
            task = asyncio.create_task(self._listen(track))
            self.tasks.add(task)

    async def _listen(self, track: rtc.Track) -> None:
        stream = rtc.AudioStream(track, sample_rate=RATE, num_channels=1)
        was_voiced = False
        try:
            async for event in stream:
                voiced = is_voiced(bytes(event.frame.data))
                if voiced and not was_voiced:
                    self.onsets.append(time.time())
                was_voiced = voiced
        finally:
            await stream.aclose()

    async def acknowledge(self) -> None:
        from voice_agent.livekit.earpiece import PTT_TOPIC

        self.ack_pressed_at = datetime.now(UTC)
        payload = json.dumps({"action": "ack"})
        await self.room.local_participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)

    def report(self, publish_after_unix: float) -> EarpieceReport:
        return EarpieceReport(
            identity=self.plan.identity,
            heard_assistant=self.heard_assistant,
            voiced_onsets_unix=tuple(t for t in self.onsets if t >= publish_after_unix),
            ack_pressed_at=self.ack_pressed_at,
        )

    async def leave(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.room.disconnect()


def run_earpieces(
    url: str,
    plans: list[EarpiecePlan],
    database_url: str,
    notice_id: str,
    files: RoundFiles,
    limit_secs: float,
) -> list[EarpieceReport]:
    """In the clerks' process: every planned earpiece through the round; their reports.

    Onsets heard before the ready file was written are left out of the reports.
    """
    return asyncio.run(_round(url, plans, database_url, notice_id, files, limit_secs))


async def _round(
    url: str,
    plans: list[EarpiecePlan],
    database_url: str,
    notice_id: str,
    files: RoundFiles,
    limit_secs: float,
) -> list[EarpieceReport]:
    from voice_agent.storage import SqlNoticeRepository, open_database

    earpieces = [_Earpiece(plan) for plan in plans]
    database = open_database(database_url, migrate=False)
    ready_at = time.time()
    try:
        for earpiece in earpieces:
            await earpiece.room.connect(url, earpiece.plan.token)
        deadline = time.monotonic() + limit_secs
        while not all(e.heard_assistant for e in earpieces):
            if time.monotonic() > deadline or files.stop.exists():
                break
            await asyncio.sleep(_POLL_SECS)
        deaf = [e.plan.identity for e in earpieces if not e.heard_assistant]
        if deaf:
            logger.warning("bench broadcast: no assistant audio at {} before the publish", deaf)
        ready_at = time.time()
        files.ready.write_text(f"{ready_at}\n", encoding="utf-8")
        await _acknowledge_when_played(
            earpieces, SqlNoticeRepository(database=database), notice_id, files, limit_secs
        )
    finally:
        for earpiece in earpieces:
            await earpiece.leave()
        database.close()
    return [e.report(ready_at) for e in earpieces]


async def _acknowledge_when_played(
    earpieces: list[_Earpiece],
    notices: Any,
    notice_id: str,
    files: RoundFiles,
    limit_secs: float,
) -> None:
    """Press "ack" on each earpiece whose delivery is stored as played, until all are stored."""
    from knowledge_base.delivery import DeliveryState

    by_clerk = {e.plan.identity: e for e in earpieces}
    deadline = time.monotonic() + limit_secs
    while time.monotonic() < deadline and not files.stop.exists():
        found = await asyncio.to_thread(notices.deliveries, notice_id=notice_id)
        for record in found:
            earpiece = by_clerk.get(record.clerk)
            if (
                earpiece is not None
                and record.state is DeliveryState.PLAYED
                and earpiece.ack_pressed_at is None
            ):
                await earpiece.acknowledge()
        acknowledged = {d.clerk for d in found if d.state is DeliveryState.ACKNOWLEDGED}
        if set(by_clerk) <= acknowledged:
            return
        await asyncio.sleep(_POLL_SECS)
