"""What a simulated clerk heard: segments, per-utterance timings and the whole report.

All times are seconds since the session started (just before joining), on a monotonic
clock; ``ClerkReport.started_at_unix`` is that moment as wall time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from voice_agent.livekit.activity import ActivitySegment


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
    started_at_monotonic: float | None = None
    """``time.monotonic()`` of t = 0: lines the report up with events of other processes on
    the same machine (Linux's monotonic clock is shared by every process)."""
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


@dataclass(slots=True)
class SentUtterance:
    """One utterance as the clerk sent it (seconds since session start)."""

    index: int
    path: Path
    audio_secs: float
    barge_in: bool
    started_at: float = 0.0
    ended_at: float = 0.0
    speech_started_at: float | None = None
    speech_ended_at: float | None = None

    @property
    def speech_start(self) -> float:
        """First voiced sample sent, or the first sample for a silent file."""
        return self.speech_started_at if self.speech_started_at is not None else self.started_at


def heard_segment(identity: str, segment: ActivitySegment) -> HeardSegment:
    """A detector's segment as reported, an unfinished one ending where it started."""
    end = segment.end if segment.end is not None else segment.start
    return HeardSegment(
        participant=identity,
        start=round(segment.start, 4),
        end=round(end, 4),
        peak_dbfs=round(segment.peak_dbfs, 1),
    )


def utterance_reports(
    sent: Sequence[SentUtterance], heard: Sequence[HeardSegment], reply_from: str | None
) -> list[UtteranceReport]:
    """Match each utterance with the reply it got and the reply it interrupted."""
    replies = [s for s in heard if reply_from is None or s.participant == reply_from]
    reports: list[UtteranceReport] = []
    for i, utterance in enumerate(sent):
        speech_start = utterance.speech_start
        next_start = sent[i + 1].speech_start if i + 1 < len(sent) else float("inf")
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
