"""The assistant's speech goes to LiveKit only while it speaks, paced by one thread per node.

A LiveKit ``AudioSource`` with a queue (ours held 200 ms) has LiveKit feed WebRTC's Opus
encoder silence every 10 ms while nothing is said: 2.5-3% of a core per session, all day,
in a node that mostly listens (docs/BENCHMARKS.md, "Where a node's CPU goes"). A source
without a queue encodes only the 10 ms frames it is handed, at once; the pacing the queue
gave is done here, by one thread of the process (:mod:`voice_agent.livekit.speech_pacer`)
that keeps time whatever the event loop is doing and sleeps while no session speaks.

A writer may run :data:`AHEAD_SECS` ahead of the listener, as it could with the queue. An
interruption drops what has not been sent (:meth:`PacedSpeech.clear_queue`), and speech
that ends or is cut is followed by :data:`TAIL_FRAMES` of silence: with no packets after
the cut, the listener's jitter buffer stretched the last sound for about 180 ms, heard as
the reply going on after a barge-in (a first try, paced on the event loop, stopped there:
docs/BENCHMARKS.md, "Tried and reverted: speech sent to LiveKit only while it is said").

The cost: every frame sent without a queue is confirmed by a call from LiveKit's audio
thread into Python, four times as many as Pipecat's 40 ms writes into the queue. On a node
whose event loop is saturated (ten clerks speaking at once on two cores) those calls wait
for the interpreter lock, frames reach the encoder in bursts and a barge-in is heard later;
``audio.paced_output = false`` keeps LiveKit's queue (docs/BENCHMARKS.md, "The assistant's
speech sent only while it is said").
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque

from livekit import rtc
from pipecat.transports.livekit.transport import LiveKitTransport

from voice_agent.livekit.speech_pacer import FRAME_SECS, SpeechPacer, shared_pacer

AHEAD_SECS = 0.2
"""How much speech a writer may hand over before it waits (what LiveKit's queue held)."""
TAIL_FRAMES = 10
"""Frames of silence sent after speech ends or is cut (see the module's docstring)."""
QUEUED_MS = 200
"""LiveKit's own queue, for rates that are not whole 10 ms frames (22050 Hz)."""


def can_pace(sample_rate: int) -> bool:
    """Whether speech at ``sample_rate`` splits into whole 10 ms frames."""
    return sample_rate % 100 == 0


def ten_ms_frames(frame: rtc.AudioFrame) -> list[rtc.AudioFrame]:
    """``frame`` cut into 10 ms frames; a last piece shorter than 10 ms is padded with silence."""
    step = frame.sample_rate // 100 * frame.num_channels * 2
    data = bytes(frame.data.cast("B"))
    pieces = []
    for start in range(0, len(data), step):
        piece = data[start : start + step].ljust(step, b"\x00")
        pieces.append(
            rtc.AudioFrame(
                piece, frame.sample_rate, frame.num_channels, step // 2 // frame.num_channels
            )
        )
    return pieces


class PacedSpeech:
    """A published source's speech on its way to LiveKit; stands in for its ``AudioSource``.

    Pipecat's LiveKit client captures frames into it, clears it on an interruption and closes
    it with the connection, as it would the source. ``source`` must have no queue.
    """

    def __init__(self, source: rtc.AudioSource, pacer: SpeechPacer) -> None:
        self._source = source
        self._pacer = pacer
        self._loop = asyncio.get_running_loop()
        self._lock = threading.Lock()
        self._frames: deque[rtc.AudioFrame] = deque()
        self._due = 0.0
        """When the next frame plays at the listener (``time.monotonic()``)."""
        self._room: asyncio.Future[None] | None = None
        """Set when a writer waiting for the backlog to shrink may go on."""
        self._closed = False
        self._silence_left = 0
        """Frames of silence still owed after the last frame of speech sent."""
        step = source.sample_rate // 100
        self._silence = rtc.AudioFrame(
            bytes(step * source.num_channels * 2), source.sample_rate, source.num_channels, step
        )
        pacer.add(self)

    @property
    def handle(self) -> int:
        """The LiveKit source's FFI handle."""
        return self._source._ffi_handle.handle

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        """Queue ``frame`` to be sent on time; wait while more than :data:`AHEAD_SECS` waits."""
        if frame.samples_per_channel == 0 or self._source._ffi_handle.disposed:
            return
        pieces = ten_ms_frames(frame)
        with self._lock:
            if self._closed:
                return
            self._frames.extend(pieces)
        self._pacer.wake()
        while True:
            with self._lock:
                if self._closed or len(self._frames) * FRAME_SECS <= AHEAD_SECS:
                    return
                if self._room is None:
                    self._room = self._loop.create_future()
                room = self._room
            await room

    def drop(self) -> None:
        """From the pacer: drop everything unsent, silence included (the source failed)."""
        with self._lock:
            self._frames.clear()
            self._silence_left = 0
        try:
            self._loop.call_soon_threadsafe(self._let_writer_on)
        except RuntimeError:  # the loop is closed: nobody writes any more
            pass

    def clear_queue(self) -> None:
        """Drop the speech not sent yet (the clerk interrupted); a short silence follows."""
        with self._lock:
            self._frames.clear()
        self._pacer.wake()
        self._let_writer_on()

    async def aclose(self) -> None:
        """Stop sending and close the LiveKit source."""
        with self._lock:
            self._closed = True
            self._frames.clear()
        self._pacer.remove(self)
        self._let_writer_on()
        await self._source.aclose()

    def has_speech(self) -> bool:
        """Whether frames wait to be sent."""
        with self._lock:
            return bool(self._frames) or self._silence_left > 0

    def take_due(self, lead_secs: float) -> tuple[list[rtc.AudioFrame], float | None]:
        """The frames to send now, and when the next one is due to be sent (``None``: none waits).

        Speech that starts after a pause, or that a stall left behind, goes out at once. Where
        no speech waits, up to :data:`TAIL_FRAMES` of silence follow the last frame sent.
        """
        now = time.monotonic()
        due: list[rtc.AudioFrame] = []
        with self._lock:
            if not self._frames and not self._silence_left:
                return due, None
            self._due = max(self._due, now)
            while self._due - lead_secs <= now:
                if self._frames:
                    due.append(self._frames.popleft())
                    self._silence_left = TAIL_FRAMES
                elif self._silence_left:
                    due.append(self._silence)
                    self._silence_left -= 1
                else:
                    break
                self._due += FRAME_SECS
            next_at = self._due - lead_secs if self._frames or self._silence_left else None
            writer_waits = self._room is not None and len(self._frames) * FRAME_SECS <= AHEAD_SECS
        if writer_waits:
            try:
                self._loop.call_soon_threadsafe(self._let_writer_on)
            except RuntimeError:  # the loop is closed: nobody writes any more
                pass
        return due, next_at

    def _let_writer_on(self) -> None:
        """On the loop: wake a writer waiting for room."""
        with self._lock:
            room, self._room = self._room, None
        if room is not None and not room.done():
            room.set_result(None)


def pace(transport: LiveKitTransport) -> None:
    """Send ``transport``'s speech through :class:`PacedSpeech` on every connection.

    The transport must have been built with ``audio_out_queue_size_ms = 0``: the source
    Pipecat's client creates when it connects is replaced by its paced stand-in.
    """
    client = transport._client
    connect = client.connect

    async def connect_and_pace() -> None:
        await connect()
        source = client._audio_source
        if isinstance(source, rtc.AudioSource):  # a new connection's source, not yet paced
            client._audio_source = PacedSpeech(source, shared_pacer())  # type: ignore[assignment]

    client.connect = connect_and_pace  # type: ignore[method-assign,assignment]
