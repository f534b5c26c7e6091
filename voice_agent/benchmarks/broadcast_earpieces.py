"""The earpieces of ``bench broadcast``, run in the clerks' process, ahead of the service.

:func:`run_earpieces` is the work :func:`~voice_agent.benchmarks.clerk_process.run_in_clerk_process`
runs in a child process: on a floor the earpieces are other machines, so their WebRTC and
audio decoding must not take the cores and event loop the service is measured on. Each
earpiece joins its clerk's room and, once every one hears the assistant's audio track (or at
the join deadline), the child writes the round's ready file (the parent publishes only then,
and writes the publish time in the published file). From then on each earpiece notes the
wall-clock time of every onset of voiced audio it hears, and presses "ack" while its delivery
shows played (:mod:`~voice_agent.benchmarks.broadcast_presses`). It stops once every delivery
is acknowledged, at the acknowledgement deadline, or when the parent writes the stop file;
every earpiece then leaves its room at once, each leave bounded by the leave deadline.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc
from loguru import logger

from voice_agent.benchmarks.broadcast_deadlines import PUBLISH_GRACE_SECS, RoundDeadlines
from voice_agent.benchmarks.broadcast_presses import POLL_SECS, AckButton, acknowledge_when_played

RATE = 16000
VOICED_RMS = 300.0
"""Int16 RMS above which a received frame counts as the notice's audio (about -40 dBFS)."""


@dataclass(frozen=True, slots=True)
class EarpiecePlan:
    """One earpiece to run: the clerk and their token for their own room."""

    identity: str
    token: str
    presses_ack: bool = True
    """``False``: the earpiece never presses "ack" (its acknowledgement is lost)."""


@dataclass(frozen=True, slots=True)
class RoundFiles:
    """The files parent and clerks' process signal each other with (in the round's scratch)."""

    ready: Path
    """Written by the clerks' process once every earpiece hears the assistant (or time ran out)."""
    stop: Path
    """Written by the parent when it needs the earpieces to stop early."""
    published: Path
    """Written by the parent after the publish: its wall-clock time (``time.time()``)."""

    @classmethod
    def in_dir(cls, scratch: Path) -> RoundFiles:
        """The three files in ``scratch``."""
        return cls(
            ready=scratch / "earpieces-ready",
            stop=scratch / "earpieces-stop",
            published=scratch / "published",
        )


@dataclass(frozen=True, slots=True)
class EarpieceReport:
    """What one earpiece noted, in wall-clock time (it crosses processes)."""

    identity: str
    heard_assistant: bool
    """Whether the assistant's audio track reached it before the publish."""
    voiced_onsets_unix: tuple[float, ...]
    """When voiced audio began after a frame that was not voiced (``time.time()``)."""
    ack_pressed_at: datetime | None
    """The first press of "ack"."""
    ack_presses: int = 0
    ack_press_failures: int = 0
    """Presses not sent (the SDK raised, or did not send within its time)."""
    ack_send_secs: tuple[float, ...] = ()
    """Per sent press, seconds the SDK took to send it."""
    left: bool = True
    """Whether it left its room within the leave deadline."""

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
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    left: bool = True
    button: AckButton = field(init=False)

    def __post_init__(self) -> None:
        self.button = AckButton(self.room, enabled=self.plan.presses_ack)
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

    async def join(self, url: str, within_secs: float) -> None:
        """Join the clerk's room; a join not done within ``within_secs`` is given up."""
        try:
            async with asyncio.timeout(within_secs):
                await self.room.connect(url, self.plan.token)
        except (TimeoutError, rtc.ConnectError) as e:
            logger.warning("bench broadcast: {} did not join: {!r}", self.plan.identity, e)

    def report(self, publish_after_unix: float) -> EarpieceReport:
        return EarpieceReport(
            identity=self.plan.identity,
            heard_assistant=self.heard_assistant,
            voiced_onsets_unix=tuple(t for t in self.onsets if t >= publish_after_unix),
            ack_pressed_at=self.button.first_pressed_at,
            ack_presses=self.button.presses,
            ack_press_failures=self.button.failures,
            ack_send_secs=tuple(self.button.press_secs),
            left=self.left,
        )

    async def leave(self, within_secs: float) -> None:
        """Stop listening and pressing, leave the room; given up after ``within_secs``."""
        try:
            async with asyncio.timeout(within_secs):
                await self.button.release()
                for task in self.tasks:
                    task.cancel()
                await asyncio.gather(*self.tasks, return_exceptions=True)
                await self.room.disconnect()
        except TimeoutError:
            self.left = False
            logger.warning(
                "bench broadcast: {} still leaving its room after {:.0f} s: left behind",
                self.plan.identity,
                within_secs,
            )


def run_earpieces(
    url: str,
    plans: list[EarpiecePlan],
    database_url: str,
    notice_id: str,
    files: RoundFiles,
    deadlines: RoundDeadlines,
) -> list[EarpieceReport]:
    """In the clerks' process: every planned earpiece through the round; their reports.

    Onsets heard before the ready file was written are left out of the reports.
    """
    return asyncio.run(_round(url, plans, database_url, notice_id, files, deadlines))


async def _round(
    url: str,
    plans: list[EarpiecePlan],
    database_url: str,
    notice_id: str,
    files: RoundFiles,
    deadlines: RoundDeadlines,
) -> list[EarpieceReport]:
    from voice_agent.livekit import cancel_safe, ffi_routing
    from voice_agent.storage import SqlNoticeRepository, open_database

    cancel_safe.install()  # a join given up on must not take the process down (see there)
    # Twenty listeners in one process: each stream gets its own frames, not everyone's
    # (without it the earpieces took 89% of a core listening, the service's render starved).
    ffi_routing.install()
    earpieces = [_Earpiece(plan) for plan in plans]
    database = open_database(database_url, migrate=False)
    ready_at = time.time()
    try:
        await _join(url, earpieces, files, time.monotonic() + deadlines.joined_secs)
        ready_at = time.time()
        files.ready.write_text(f"{ready_at}\n", encoding="utf-8")
        published = await _published(files, ready_at)
        until = time.monotonic() + deadlines.acknowledged_secs - (time.time() - published)
        await acknowledge_when_played(
            {e.plan.identity: e.button for e in earpieces},
            SqlNoticeRepository(database=database),
            notice_id,
            until=until,
            stopped=files.stop.exists,
        )
    finally:
        await asyncio.gather(*(e.leave(deadlines.leave_secs) for e in earpieces))
        database.close()
    return [e.report(ready_at) for e in earpieces]


async def _join(url: str, earpieces: list[_Earpiece], files: RoundFiles, deadline: float) -> None:
    """Join every room, then wait for each to hear the assistant, until monotonic ``deadline``."""
    for earpiece in earpieces:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or files.stop.exists():
            break
        await earpiece.join(url, remaining)
    while not all(e.heard_assistant for e in earpieces):
        if time.monotonic() > deadline or files.stop.exists():
            break
        await asyncio.sleep(POLL_SECS)
    deaf = [e.plan.identity for e in earpieces if not e.heard_assistant]
    if deaf:
        logger.warning("bench broadcast: no assistant audio at {} before the publish", deaf)


async def _published(files: RoundFiles, ready_at: float) -> float:
    """The publish time the parent writes; ``ready_at`` if none comes in its grace."""
    deadline = time.monotonic() + PUBLISH_GRACE_SECS
    while time.monotonic() < deadline and not files.stop.exists():
        try:
            return float(files.published.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # not there yet, or being written
            await asyncio.sleep(POLL_SECS)
    return ready_at
