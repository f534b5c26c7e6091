"""A transport that plays PCM audio into a pipeline and records what comes out.

Input is fed in 20 ms frames, at real-time pace (as a microphone would) or as fast as
possible; a fast replay can be held until the pipeline is ready for more
(:meth:`ReplayTransport.hold_input_while`, e.g. "the reply is said once the notice has
played"). Output is "played" at real-time pace (as a speaker would), so barge-in behaves as
it would in a room, and every output write is recorded with its time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    InputAudioRawFrame,
    OutputAudioRawFrame,
    StartFrame,
)
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.transports.base_input import BaseInputTransport
from pipecat.transports.base_output import BaseOutputTransport
from pipecat.transports.base_transport import BaseTransport, TransportParams

FRAME_SECS = 0.02


@dataclass(slots=True)
class OutputChunk:
    """One write of output audio."""

    at: float
    """Monotonic seconds when the chunk started playing."""
    audio: bytes


@dataclass(slots=True)
class ReplayRecording:
    """The input timeline and everything the pipeline played back."""

    input_started_at: float | None = None
    """Monotonic seconds when the first input sample was fed."""
    input_finished_at: float | None = None
    output: list[OutputChunk] = field(default_factory=list)
    input_done: asyncio.Event = field(default_factory=asyncio.Event)


class ReplayInputTransport(BaseInputTransport):
    """Feeds 16-bit mono PCM into the pipeline in 20 ms frames."""

    def __init__(
        self,
        *,
        pcm16: bytes,
        sample_rate: int,
        realtime: bool,
        recording: ReplayRecording,
        params: TransportParams,
    ) -> None:
        super().__init__(params)
        self._pcm16 = pcm16
        self._sample_rate = sample_rate
        self._realtime = realtime
        self._recording = recording
        self._feed_task: asyncio.Task[None] | None = None
        self.hold: Callable[[int], bool] | None = None
        """Fast mode only: called with the bytes fed so far; while True, no more is fed."""

    async def start(self, frame: StartFrame) -> None:
        """Start feeding once the pipeline has started."""
        await super().start(frame)
        await self.set_transport_ready(frame)
        if self._feed_task is None:
            self._feed_task = self.create_task(self._feed())

    async def stop(self, frame: EndFrame) -> None:
        """Stop feeding."""
        await self._stop_feeding()
        await super().stop(frame)

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop feeding."""
        await self._stop_feeding()
        await super().cancel(frame)

    async def _stop_feeding(self) -> None:
        if self._feed_task is not None:
            await self.cancel_task(self._feed_task)
            self._feed_task = None

    async def _feed(self) -> None:
        step = int(self._sample_rate * FRAME_SECS) * 2
        started = time.monotonic()
        self._recording.input_started_at = started
        for index, offset in enumerate(range(0, len(self._pcm16), step)):
            chunk = self._pcm16[offset : offset + step]
            if len(chunk) < step:
                chunk = chunk + b"\x00" * (step - len(chunk))
            if self._realtime:
                delay = started + index * FRAME_SECS - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)
                # Polled: the condition is another processor's state, with no event to await.
                while self.hold is not None and self.hold(offset):  # noqa: ASYNC110
                    await asyncio.sleep(0.001)
            await self.push_audio_frame(
                InputAudioRawFrame(audio=chunk, sample_rate=self._sample_rate, num_channels=1)
            )
        self._recording.input_finished_at = time.monotonic()
        self._recording.input_done.set()


class ReplayOutputTransport(BaseOutputTransport):
    """Plays output audio on a simulated real-time clock and records each chunk."""

    def __init__(
        self, *, realtime: bool, recording: ReplayRecording, params: TransportParams
    ) -> None:
        super().__init__(params)
        self._realtime = realtime
        self._recording = recording
        self._next_write_at = 0.0

    async def start(self, frame: StartFrame) -> None:
        """Mark the transport ready."""
        await super().start(frame)
        await self.set_transport_ready(frame)

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        """Record the chunk and wait as long as it takes to play."""
        now = time.monotonic()
        if self._realtime:
            if self._next_write_at > now:
                await asyncio.sleep(self._next_write_at - now)
                now = time.monotonic()
            self._next_write_at = max(self._next_write_at, now) + len(frame.audio) / (
                2 * frame.sample_rate * frame.num_channels
            )
        self._recording.output.append(OutputChunk(at=now, audio=frame.audio))
        return True


class ReplayTransport(BaseTransport):
    """Input from PCM bytes, output recorded: the same pipeline as a room, without the room."""

    def __init__(
        self,
        *,
        pcm16: bytes,
        input_sample_rate: int = 16000,
        output_sample_rate: int = 16000,
        realtime: bool = True,
    ) -> None:
        super().__init__(name="ReplayTransport")
        self.recording = ReplayRecording()
        params = TransportParams(
            audio_in_enabled=True,
            audio_in_sample_rate=input_sample_rate,
            audio_out_enabled=True,
            audio_out_sample_rate=output_sample_rate,
            audio_out_auto_silence=False,
            audio_out_end_silence_secs=0,
            audio_out_10ms_chunks=2,
        )
        self._input = ReplayInputTransport(
            pcm16=pcm16,
            sample_rate=input_sample_rate,
            realtime=realtime,
            recording=self.recording,
            params=params,
        )
        self._output = ReplayOutputTransport(
            realtime=realtime, recording=self.recording, params=params
        )

    def input(self) -> FrameProcessor:
        """The input side."""
        return self._input

    def hold_input_while(self, busy: Callable[[int], bool]) -> None:
        """In fast mode, feed no input while ``busy(bytes_fed)`` (real-time input never waits)."""
        self._input.hold = busy

    def output(self) -> FrameProcessor:
        """The output side."""
        return self._output
