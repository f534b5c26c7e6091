"""What a simulated clerk hears: each remote participant's audio, on the clerk's clock.

Every subscribed audio track is read in 20 ms frames; each frame is logged, recorded where
it arrived (:class:`~voice_agent.livekit.clerk_recording.ArrivalRecording`) and fed to the
participant's energy detector, whose segments are the replies the clerk times.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import numpy as np
from livekit import rtc
from loguru import logger

from voice_agent.livekit.activity import ActivityDetector, level_dbfs
from voice_agent.livekit.clerk_recording import SAMPLE_RATE, ArrivalRecording, mix
from voice_agent.livekit.clerk_report import HeardSegment, ReceivedFrame, heard_segment

_HEARD_FRAME_MS = 20
"""Length of the frames the clerk hears (and times replies by)."""


class ClerkHearing:
    """Listens to every remote audio track of the clerk's room and finds the replies in it.

    Args:
        clock: Seconds since the clerk's session started (monotonic).
        threshold_dbfs: RMS level at which a heard frame counts as voiced.
        hangover_secs: Silence that ends a heard segment.
        reply_from: Only this participant's audio counts as a reply; ``None``: anyone's.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        threshold_dbfs: float,
        hangover_secs: float,
        reply_from: str | None,
    ) -> None:
        self._clock = clock
        self._threshold = threshold_dbfs
        self._hangover = hangover_secs
        self._reply_from = reply_from
        self.frames: list[ReceivedFrame] = []
        """Every frame heard, in arrival order."""
        self._detectors: dict[str, ActivityDetector] = {}
        self._recordings: dict[str, ArrivalRecording] = {}
        self._readers: set[asyncio.Task[None]] = set()

    def on_track_subscribed(
        self,
        track: rtc.Track,
        publication: rtc.RemoteTrackPublication,
        participant: rtc.RemoteParticipant,
    ) -> None:
        """Start reading a newly subscribed audio track (the room's ``track_subscribed``)."""
        if track.kind != rtc.TrackKind.KIND_AUDIO:
            return
        task = asyncio.create_task(self._listen(track, participant.identity))
        self._readers.add(task)

    async def stop(self) -> None:
        """Stop reading every track."""
        for task in self._readers:
            task.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)

    def poll(self, now: float) -> None:
        """Let each detector end a segment whose silence has lasted (no frame may come)."""
        for detector in self._detectors.values():
            detector.poll(now)

    def counts_as_reply(self, identity: str) -> bool:
        """Whether what ``identity`` says counts as a reply."""
        return self._reply_from is None or identity == self._reply_from

    def reply_onset_after(self, since: float) -> float | None:
        """When the first reply that started at or after ``since`` started (``None``: none)."""
        onsets = [
            segment.start
            for identity, detector in self._detectors.items()
            if self.counts_as_reply(identity)
            for segment in detector.segments
            if segment.start >= since
        ]
        return min(onsets, default=None)

    def reply_active(self) -> bool:
        """A reply is being heard now."""
        return any(
            detector.active
            for identity, detector in self._detectors.items()
            if self.counts_as_reply(identity)
        )

    def segments(self) -> list[HeardSegment]:
        """Every voiced stretch heard, in order of start (ends the open ones)."""
        heard: list[HeardSegment] = []
        for identity, detector in self._detectors.items():
            for segment in detector.finish():
                heard.append(heard_segment(identity, segment))
        return sorted(heard, key=lambda s: s.start)

    def recording(self) -> np.ndarray:
        """Everything heard, mixed into one int16 track at 16 kHz, sample 0 at t = 0."""
        return mix(list(self._recordings.values()))

    async def _listen(self, track: rtc.Track, identity: str) -> None:
        detector = self._detectors.setdefault(
            identity, ActivityDetector(threshold_dbfs=self._threshold, hangover_secs=self._hangover)
        )
        recording = self._recordings.setdefault(identity, ArrivalRecording())
        # 20 ms frames: half the hand-overs of LiveKit's 10 ms, which kept 10 clerks of one
        # process from sending in real time (docs/BENCHMARKS.md, "Ten clerks").
        stream = rtc.AudioStream(
            track, sample_rate=SAMPLE_RATE, num_channels=1, frame_size_ms=_HEARD_FRAME_MS
        )
        try:
            async for event in stream:
                now = self._clock()
                samples = np.frombuffer(event.frame.data, dtype=np.int16).copy()
                level = level_dbfs(samples)
                self.frames.append(
                    ReceivedFrame(
                        participant=identity,
                        at=round(now, 4),
                        samples=samples.size,
                        level_dbfs=round(level, 1),
                    )
                )
                recording.add(now, samples)
                change = detector.process(now, level)
                if change is not None:
                    logger.debug("[clerk] {} from {} at {:.3f} s", change, identity, now)
        finally:
            await stream.aclose()
