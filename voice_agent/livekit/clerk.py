"""A simulated clerk: joins a room, speaks WAV files in real time, times what it hears.

The clerk publishes a microphone track and streams each file at real-time pace in 10 or
20 ms frames, with silence in between (a real microphone never stops sending). It
subscribes to everyone else's audio, records it to one WAV aligned with its own clock and
detects where replies start and stop by energy. The :class:`ClerkReport` gives, for each
utterance, when its last voiced sample was sent, when the first reply audio arrived
(voice-to-voice latency) and, when the clerk spoke over a reply, how long that reply kept
playing (barge-in stop latency).

All times are seconds since the session started (just before joining), on a monotonic
clock; ``ClerkReport.started_at_unix`` is that moment as wall time, so an event's wall
time is ``started_at_unix + t``. Sample ``n`` of the recording was heard at ``n / 16000``.

Example:
    clerk = SimulatedClerk(url=server.url, token=token, recording_path=Path("heard.wav"))
    report = await clerk.run(ClerkScript.from_files([Path("q1.wav"), Path("q2.wav")]))
    Path("report.json").write_text(report.to_json())
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from livekit import rtc
from loguru import logger
from pydantic import BaseModel, ConfigDict, Field

from voice_agent.audio_io import AudioInputError, load_audio, write_wav
from voice_agent.livekit.activity import ActivityDetector, ActivitySegment, level_dbfs
from voice_agent.livekit.errors import AudioFileError, ClerkError

SAMPLE_RATE = 16000
"""Hertz: what the clerk sends, subscribes at and records."""
PTT_TOPIC = "ptt"
"""Data topic of push-to-talk messages: ``{"action": "start"}`` / ``{"action": "stop"}``."""
TRACK_NAME = "clerk-microphone"
_RESYNC_SECS = 0.2
"""Falling this far behind the real-time schedule restarts it instead of bursting frames."""
_GAP_TOLERANCE_SECS = 0.06
"""Arrival later than this past the recorded audio is a gap, filled with silence."""


class ClerkUtterance(BaseModel):
    """One WAV file the clerk says."""

    model_config = ConfigDict(frozen=True)

    path: Path
    barge_in_after_secs: float | None = Field(default=None, ge=0.0)
    """Start this many seconds after reply audio to the previous utterance starts arriving,
    i.e. talk over the reply; ``None`` waits for the reply to end, then the pause."""


class ClerkScript(BaseModel):
    """What the simulated clerk says, and how it paces itself."""

    model_config = ConfigDict(frozen=True)

    utterances: list[ClerkUtterance] = Field(default_factory=list)
    lead_in_secs: float = Field(default=0.5, ge=0.0)
    """Silence sent after joining, before the first utterance."""
    silence_between_secs: float = Field(default=1.0, ge=0.0)
    """Silence after a reply ended (or, without waiting, after an utterance) before the next."""
    wait_for_reply: bool = True
    """Wait for each reply to finish before going on (or up to the timeouts)."""
    reply_timeout_secs: float = Field(default=10.0, gt=0.0)
    """Give up waiting for a reply that has not started this long after speech ended."""
    max_reply_secs: float = Field(default=30.0, gt=0.0)
    """Give up waiting for a reply that is still playing this long after speech ended."""
    tail_secs: float = Field(default=0.5, ge=0.0)
    """Silence sent at the end, before leaving."""
    push_to_talk: bool = False
    """Send ``ptt`` start/stop data messages around each utterance."""

    @classmethod
    def from_files(
        cls, paths: Sequence[Path], *, barge_in_after_secs: float | None = None, **options: object
    ) -> ClerkScript:
        """A script saying ``paths`` in order; ``barge_in_after_secs`` applies from the 2nd."""
        utterances = [
            ClerkUtterance(path=p, barge_in_after_secs=barge_in_after_secs if i else None)
            for i, p in enumerate(paths)
        ]
        return cls.model_validate({"utterances": utterances, **options})


class HeardSegment(BaseModel):
    """A stretch of audio from one remote participant above the energy threshold."""

    participant: str
    start: float
    """Seconds since session start: arrival of its first voiced frame."""
    end: float
    """Seconds since session start: arrival of its last voiced frame."""
    peak_dbfs: float


class ReceivedFrame(BaseModel):
    """One audio frame as it arrived."""

    participant: str
    at: float
    """Seconds since session start, when the frame was handed to the clerk."""
    samples: int
    level_dbfs: float


class UtteranceReport(BaseModel):
    """Timings of one utterance and the reply to it."""

    index: int
    file: str
    audio_secs: float
    """Length of the file as sent."""
    started_at: float
    """First sample sent."""
    speech_started_at: float | None
    """First voiced sample sent (``None``: the file is silent)."""
    speech_ended_at: float | None
    """Last voiced sample sent: where voice-to-voice latency is measured from."""
    ended_at: float
    """Last sample sent."""
    barge_in: bool
    """The script started this utterance over a reply."""
    reply_started_at: float | None = None
    """First reply audio that began after this utterance's speech started."""
    reply_ended_at: float | None = None
    voice_to_voice_secs: float | None = None
    """``reply_started_at - speech_ended_at``; negative if the reply began mid-utterance."""
    reply_from: str | None = None
    """Identity of the participant who replied."""
    interrupted_reply_ended_at: float | None = None
    """A reply was playing when this utterance's speech started; when it stopped."""
    barge_in_stop_secs: float | None = None
    """``interrupted_reply_ended_at - speech_started_at``: how long the reply talked over us."""


class ClerkReport(BaseModel):
    """Everything the simulated clerk sent and heard, with timings."""

    room: str
    identity: str
    started_at_unix: float
    """Wall time (Unix seconds) of t = 0."""
    duration_secs: float
    sample_rate: int
    frame_ms: int
    recording: str | None
    """WAV of everything heard, sample 0 at t = 0."""
    utterances: list[UtteranceReport]
    heard: list[HeardSegment]
    frames_received: int
    data_messages_sent: int
    received_frames: list[ReceivedFrame] = Field(default_factory=list, exclude=True)
    """Per-frame arrival log (left out of :meth:`to_json` unless asked)."""

    def to_json(self, *, include_frames: bool = False, indent: int | None = 2) -> str:
        """The report as JSON; ``include_frames`` adds the per-frame arrival log."""
        data = self.model_dump(mode="json")
        if include_frames:
            data["received_frames"] = [f.model_dump(mode="json") for f in self.received_frames]
        return json.dumps(data, indent=indent)

    @property
    def replied(self) -> bool:
        """True if every utterance got a reply."""
        return all(u.reply_started_at is not None for u in self.utterances)


def read_clerk_audio(path: Path) -> np.ndarray:
    """Read any audio file as 16 kHz mono int16 samples (down-mixed and resampled).

    Raises:
        AudioFileError: Missing, empty or unreadable file; ``code`` says which.
    """
    try:
        loaded = load_audio(path)
    except AudioInputError as e:
        raise AudioFileError(str(e), code=f"audio_{e.code}") from e
    return np.frombuffer(loaded.pcm16, dtype="<i2").astype(np.int16)


@dataclass(slots=True)
class _Recording:
    """Received audio of one participant, placed on the session clock by arrival time."""

    chunks: list[tuple[int, np.ndarray]] = field(default_factory=list)
    written: int = 0
    """Samples placed so far (the next chunk's position unless a gap is detected)."""

    def add(self, arrived_at: float, samples: np.ndarray) -> None:
        position = round(arrived_at * SAMPLE_RATE) - samples.size
        if position > self.written + _GAP_TOLERANCE_SECS * SAMPLE_RATE:
            self.written = position
        self.chunks.append((self.written, samples))
        self.written += samples.size


def _mix(recordings: Sequence[_Recording]) -> np.ndarray:
    length = max((r.written for r in recordings), default=0)
    mixed = np.zeros(length, dtype=np.int32)
    for recording in recordings:
        for position, samples in recording.chunks:
            mixed[position : position + samples.size] += samples
    return np.clip(mixed, -32768, 32767).astype(np.int16)


@dataclass(slots=True)
class _Sent:
    index: int
    path: Path
    audio_secs: float
    barge_in: bool
    started_at: float = 0.0
    ended_at: float = 0.0
    speech_started_at: float | None = None
    speech_ended_at: float | None = None


class SimulatedClerk:
    """A scripted participant that speaks WAV files and measures the replies it hears."""

    def __init__(
        self,
        *,
        url: str,
        token: str,
        recording_path: Path | None = None,
        frame_ms: Literal[10, 20] = 20,
        threshold_dbfs: float = -45.0,
        hangover_secs: float = 0.5,
        reply_from: str | None = None,
        connect_timeout_secs: float = 10.0,
    ) -> None:
        """Configure the clerk; nothing connects before :meth:`run`.

        Args:
            url: LiveKit server URL, e.g. ``ws://127.0.0.1:7880``.
            token: A token for the room (see :func:`voice_agent.livekit.tokens.mint_token`).
            recording_path: Where to write everything heard (16 kHz mono WAV); ``None``: nowhere.
            frame_ms: Frame length sent, 10 or 20 ms.
            threshold_dbfs: RMS level at which a frame, sent or heard, counts as voiced.
            hangover_secs: Silence that ends a heard segment (pauses between sentences are
                shorter).
            reply_from: Only this participant's audio counts as a reply; ``None``: anyone's.
            connect_timeout_secs: Give up joining after this long.
        """
        if frame_ms not in (10, 20):
            raise ClerkError(f"frame_ms must be 10 or 20, got {frame_ms}", code="bad_frame_ms")
        self._url = url
        self._token = token
        self._recording_path = recording_path
        self._frame_ms = frame_ms
        self._frame_samples = SAMPLE_RATE * frame_ms // 1000
        self._threshold = threshold_dbfs
        self._hangover = hangover_secs
        self._reply_from = reply_from
        self._connect_timeout = connect_timeout_secs
        self._t0 = 0.0
        self._next_send = 0.0
        self._room: rtc.Room | None = None
        self._source: rtc.AudioSource | None = None
        self._detectors: dict[str, ActivityDetector] = {}
        self._recordings: dict[str, _Recording] = {}
        self._frames: list[ReceivedFrame] = []
        self._readers: set[asyncio.Task[None]] = set()
        self._data_sent = 0

    async def run(self, script: ClerkScript) -> ClerkReport:
        """Join, say the script, leave; return what was sent and heard, with timings.

        Raises:
            AudioFileError: A script file is missing or unreadable (checked before joining).
            ClerkError: Joining or publishing failed (``code`` ``connect_failed`` /
                ``publish_failed``).
        """
        audio = [await asyncio.to_thread(read_clerk_audio, u.path) for u in script.utterances]
        self._reset()
        room = rtc.Room()
        self._room = room
        room.on("track_subscribed", self._on_track_subscribed)
        self._t0 = time.monotonic()
        started_at_unix = time.time()
        await self._connect(room)
        identity = room.local_participant.identity
        logger.info("[{}] clerk {} joined", room.name, identity)
        try:
            sent = await self._perform(script, audio)
        finally:
            await self._leave(room)
        duration = self._now()
        heard = self._finish_segments()
        if self._recording_path is not None:
            heard_audio = _mix(list(self._recordings.values()))
            await asyncio.to_thread(
                write_wav, self._recording_path, heard_audio.tobytes(), SAMPLE_RATE
            )
        return ClerkReport(
            room=room.name,
            identity=identity,
            started_at_unix=started_at_unix,
            duration_secs=round(duration, 3),
            sample_rate=SAMPLE_RATE,
            frame_ms=self._frame_ms,
            recording=str(self._recording_path) if self._recording_path else None,
            utterances=_utterance_reports(sent, heard, self._reply_from),
            heard=heard,
            frames_received=len(self._frames),
            data_messages_sent=self._data_sent,
            received_frames=list(self._frames),
        )

    def _reset(self) -> None:
        self._detectors.clear()
        self._recordings.clear()
        self._frames.clear()
        self._readers.clear()
        self._data_sent = 0

    def _now(self) -> float:
        return time.monotonic() - self._t0

    async def _connect(self, room: rtc.Room) -> None:
        try:
            await asyncio.wait_for(
                room.connect(self._url, self._token, rtc.RoomOptions(auto_subscribe=True)),
                timeout=self._connect_timeout,
            )
        except (rtc.ConnectError, TimeoutError) as e:
            raise ClerkError(
                f"could not join the room at {self._url}: {e or 'timed out'}",
                code="connect_failed",
                retryable=isinstance(e, TimeoutError),
            ) from e
        self._source = rtc.AudioSource(SAMPLE_RATE, 1, queue_size_ms=200)
        track = rtc.LocalAudioTrack.create_audio_track(TRACK_NAME, self._source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        try:
            await room.local_participant.publish_track(track, options)
        except Exception as e:  # the SDK raises a bare exception when the grant is missing
            await room.disconnect()
            raise ClerkError(f"could not publish the microphone: {e}", code="publish_failed") from e

    async def _leave(self, room: rtc.Room) -> None:
        for task in self._readers:
            task.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
        await room.disconnect()
        if self._source is not None:
            await self._source.aclose()
            self._source = None
        logger.info("[{}] clerk left after {:.1f} s", room.name, self._now())

    def _on_track_subscribed(
        self,
        track: rtc.Track,
        publication: rtc.RemoteTrackPublication,
        participant: rtc.RemoteParticipant,
    ) -> None:
        if track.kind != rtc.TrackKind.KIND_AUDIO:
            return
        task = asyncio.create_task(self._listen(track, participant.identity))
        self._readers.add(task)

    async def _listen(self, track: rtc.Track, identity: str) -> None:
        detector = self._detectors.setdefault(
            identity, ActivityDetector(threshold_dbfs=self._threshold, hangover_secs=self._hangover)
        )
        recording = self._recordings.setdefault(identity, _Recording())
        stream = rtc.AudioStream(track, sample_rate=SAMPLE_RATE, num_channels=1)
        try:
            async for event in stream:
                now = self._now()
                samples = np.frombuffer(event.frame.data, dtype=np.int16).copy()
                level = level_dbfs(samples)
                self._frames.append(
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

    async def _perform(self, script: ClerkScript, audio: list[np.ndarray]) -> list[_Sent]:
        sent: list[_Sent] = []
        self._next_send = time.monotonic()
        await self._send_silence(script.lead_in_secs)
        for index, (utterance, samples) in enumerate(zip(script.utterances, audio, strict=True)):
            if sent:
                await self._pause_before(utterance, sent[-1], script)
            sent.append(await self._say(index, utterance, samples, script.push_to_talk))
        if sent and script.wait_for_reply:
            await self._wait_for_reply_end(sent[-1], script)
        await self._send_silence(script.tail_secs)
        return sent

    async def _pause_before(
        self, utterance: ClerkUtterance, previous: _Sent, script: ClerkScript
    ) -> None:
        if utterance.barge_in_after_secs is None:
            if script.wait_for_reply:
                await self._wait_for_reply_end(previous, script)
            await self._send_silence(script.silence_between_secs)
            return
        since = _speech_start(previous)
        limit = previous.ended_at + script.reply_timeout_secs
        await self._send_silence_until(lambda: self._reply_onset_after(since) is not None, limit)
        onset = self._reply_onset_after(since)
        if onset is None:
            logger.warning("[clerk] no reply to barge in on; speaking anyway")
            return
        start_at = onset + utterance.barge_in_after_secs
        await self._send_silence_until(lambda: self._now() >= start_at, start_at + 1.0)

    async def _wait_for_reply_end(self, previous: _Sent, script: ClerkScript) -> None:
        since = _speech_start(previous)
        onset_limit = previous.ended_at + script.reply_timeout_secs
        await self._send_silence_until(
            lambda: self._reply_onset_after(since) is not None, onset_limit
        )
        if self._reply_onset_after(since) is None:
            logger.warning("[clerk] no reply within {:.1f} s", script.reply_timeout_secs)
            return
        await self._send_silence_until(
            lambda: not self._reply_active(), previous.ended_at + script.max_reply_secs
        )

    async def _say(
        self, index: int, utterance: ClerkUtterance, samples: np.ndarray, push_to_talk: bool
    ) -> _Sent:
        record = _Sent(
            index=index,
            path=utterance.path,
            audio_secs=round(samples.size / SAMPLE_RATE, 3),
            barge_in=utterance.barge_in_after_secs is not None,
        )
        if push_to_talk:
            await self._send_ptt("start")
        n = self._frame_samples
        padded = np.zeros(-(-samples.size // n) * n, dtype=np.int16)
        padded[: samples.size] = samples
        for offset in range(0, padded.size, n):
            frame = padded[offset : offset + n]
            sent_at = await self._send_frame(frame)
            if offset == 0:
                record.started_at = sent_at
            if level_dbfs(frame) >= self._threshold:
                if record.speech_started_at is None:
                    record.speech_started_at = sent_at
                record.speech_ended_at = sent_at
        record.ended_at = self._now()
        if push_to_talk:
            await self._send_ptt("stop")
        logger.debug("[clerk] said {} ({:.2f} s)", utterance.path.name, record.audio_secs)
        return record

    async def _send_ptt(self, action: Literal["start", "stop"]) -> None:
        assert self._room is not None
        payload = json.dumps({"action": action})
        await self._room.local_participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)
        self._data_sent += 1

    async def _send_silence(self, secs: float) -> None:
        frames = round(secs * 1000 / self._frame_ms)
        silence = np.zeros(self._frame_samples, dtype=np.int16)
        for _ in range(frames):
            await self._send_frame(silence)

    async def _send_silence_until(self, done: Callable[[], bool], limit: float) -> None:
        """Send silence until ``done()`` or the session time ``limit``."""
        silence = np.zeros(self._frame_samples, dtype=np.int16)
        while not done() and self._now() < limit:
            await self._send_frame(silence)

    async def _send_frame(self, samples: np.ndarray) -> float:
        """Send one frame on the real-time schedule; returns when it was handed over."""
        assert self._source is not None
        delay = self._next_send - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -_RESYNC_SECS:
            self._next_send = time.monotonic()
        frame = rtc.AudioFrame(samples.tobytes(), SAMPLE_RATE, 1, samples.size)
        await self._source.capture_frame(frame)
        self._next_send += samples.size / SAMPLE_RATE
        now = self._now()
        for detector in self._detectors.values():
            detector.poll(now)
        return now

    def _counts_as_reply(self, identity: str) -> bool:
        return self._reply_from is None or identity == self._reply_from

    def _reply_onset_after(self, since: float) -> float | None:
        onsets = [
            segment.start
            for identity, detector in self._detectors.items()
            if self._counts_as_reply(identity)
            for segment in detector.segments
            if segment.start >= since
        ]
        return min(onsets, default=None)

    def _reply_active(self) -> bool:
        return any(
            detector.active
            for identity, detector in self._detectors.items()
            if self._counts_as_reply(identity)
        )

    def _finish_segments(self) -> list[HeardSegment]:
        heard: list[HeardSegment] = []
        for identity, detector in self._detectors.items():
            for segment in detector.finish():
                heard.append(_heard(identity, segment))
        return sorted(heard, key=lambda s: s.start)


def _heard(identity: str, segment: ActivitySegment) -> HeardSegment:
    end = segment.end if segment.end is not None else segment.start
    return HeardSegment(
        participant=identity,
        start=round(segment.start, 4),
        end=round(end, 4),
        peak_dbfs=round(segment.peak_dbfs, 1),
    )


def _speech_start(sent: _Sent) -> float:
    return sent.speech_started_at if sent.speech_started_at is not None else sent.started_at


def _utterance_reports(
    sent: Sequence[_Sent], heard: Sequence[HeardSegment], reply_from: str | None
) -> list[UtteranceReport]:
    """Match each utterance with the reply it got and the reply it interrupted."""
    replies = [s for s in heard if reply_from is None or s.participant == reply_from]
    reports: list[UtteranceReport] = []
    for i, utterance in enumerate(sent):
        speech_start = _speech_start(utterance)
        next_start = _speech_start(sent[i + 1]) if i + 1 < len(sent) else float("inf")
        report = UtteranceReport(
            index=utterance.index,
            file=str(utterance.path),
            audio_secs=utterance.audio_secs,
            started_at=round(utterance.started_at, 4),
            speech_started_at=_round(utterance.speech_started_at),
            speech_ended_at=_round(utterance.speech_ended_at),
            ended_at=round(utterance.ended_at, 4),
            barge_in=utterance.barge_in,
        )
        reply = next((s for s in replies if speech_start <= s.start < next_start), None)
        if reply is not None:
            report.reply_started_at = reply.start
            report.reply_ended_at = reply.end
            report.reply_from = reply.participant
            if utterance.speech_ended_at is not None:
                report.voice_to_voice_secs = round(reply.start - utterance.speech_ended_at, 4)
        interrupted = next((s for s in replies if s.start < speech_start <= s.end), None)
        if interrupted is not None:
            report.interrupted_reply_ended_at = interrupted.end
            report.barge_in_stop_secs = round(interrupted.end - speech_start, 4)
        reports.append(report)
    return reports


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
