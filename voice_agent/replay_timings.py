"""What a replay heard and answered, and when: reports read from a session's events.

Times are seconds from the start of the input; the bot's audio is timed from the chunks the
replay transport recorded (quieter than :data:`SILENCE_DBFS` counts as silence).
"""

from __future__ import annotations

from pydantic import BaseModel

from pipelines.events import (
    AnswerCompleted,
    AnswerStarted,
    BargeIn,
    SessionEvent,
    Transcribed,
    UserSpeechStopped,
    UserTurn,
)
from pipelines.speech_segments import SpeechSegment
from pipelines.transports.replay import OutputChunk
from pipelines.turn_policy import level_dbfs

SILENCE_DBFS = -55.0
"""Output chunks quieter than this count as silence when timing the bot's audio."""


class TurnReport(BaseModel):
    """One user turn and its answer. Times are seconds from the start of the input."""

    transcript: str
    answer: str | None = None
    answer_source: str | None = None
    answer_facts: list[str] = []
    """Knowledge-base text the answer was composed from."""
    speech_end: float | None = None
    """Last voiced input sample of the turn."""
    vad_stop: float | None = None
    stt_done: float | None = None
    answer_ready: float | None = None
    first_audio: float | None = None
    """First audible output sample of the answer."""
    voice_to_voice_secs: float | None = None
    stt_secs: float | None = None


class BargeInReport(BaseModel):
    """An interruption of the bot. Times are seconds from the start of the input."""

    speech_onset: float
    detected: float
    audio_stopped: float | None
    interruption_latency_secs: float | None
    """Speech onset to the bot's audio stop."""


class ReplayReport(BaseModel):
    """What a replay heard, answered and played back."""

    session_id: str
    input_secs: float
    realtime: bool
    turns: list[TurnReport]
    barge_ins: list[BargeInReport]
    resumed_sentences: list[str]
    output_secs: float
    output_sample_rate: int
    speech_segments: list[tuple[float, float]]
    wall_secs: float
    events: list[dict[str, object]] = []


def _chunk_secs(chunk: OutputChunk, sample_rate: int) -> float:
    return len(chunk.audio) / (2 * sample_rate)


def last_output_end(output: list[OutputChunk], sample_rate: int) -> float:
    """Transport-clock time at which the last recorded output chunk ends."""
    if not output:
        return 0.0
    return output[-1].at + _chunk_secs(output[-1], sample_rate)


def seconds_after(value: float | None, origin: float | None) -> float | None:
    """``value`` as seconds after ``origin`` (to the millisecond); ``None`` if either is."""
    return None if value is None or origin is None else round(value - origin, 3)


def turn_reports(
    events: list[SessionEvent],
    segments: list[SpeechSegment],
    output: list[OutputChunk],
    origin: float,
    sample_rate: int,
) -> list[TurnReport]:
    """One report per user turn: its transcript, answer, and the times of each stage."""
    reports: list[TurnReport] = []
    last_stop: float | None = None
    last_transcribed: Transcribed | None = None
    current: TurnReport | None = None
    for event in events:
        if isinstance(event, UserSpeechStopped):
            last_stop = event.at
        elif isinstance(event, Transcribed):
            last_transcribed = event
        elif isinstance(event, UserTurn):
            turn_at = event.at - origin
            ended = [s.end for s in segments if s.end <= turn_at + 0.05]
            current = TurnReport(
                transcript=event.text,
                speech_end=ended[-1] if ended else None,
                vad_stop=seconds_after(last_stop, origin),
                stt_done=seconds_after(last_transcribed.at if last_transcribed else None, origin),
                stt_secs=round(last_transcribed.stt_secs, 3) if last_transcribed else None,
            )
            reports.append(current)
        elif isinstance(event, AnswerStarted) and current is not None:
            current.answer_ready = seconds_after(event.at, origin)
            audible = [c for c in output if c.at >= event.at and level_dbfs(c.audio) > SILENCE_DBFS]
            if audible:
                current.first_audio = seconds_after(audible[0].at, origin)
                if current.speech_end is not None and current.first_audio is not None:
                    current.voice_to_voice_secs = round(current.first_audio - current.speech_end, 3)
        elif isinstance(event, AnswerCompleted) and current is not None:
            current.answer = event.text
            current.answer_source = event.source
            current.answer_facts = list(event.facts)
    return reports


def barge_in_reports(
    events: list[SessionEvent],
    segments: list[SpeechSegment],
    output: list[OutputChunk],
    origin: float,
    sample_rate: int,
) -> list[BargeInReport]:
    """One report per interruption: speech onset, detection, and when the bot's audio stopped."""
    reports: list[BargeInReport] = []
    for event in events:
        if not isinstance(event, BargeIn):
            continue
        detected = event.at - origin
        onsets = [s.start for s in segments if s.start <= detected]
        onset = onsets[-1] if onsets else detected
        stopped = _audio_stop_after(output, event.at, sample_rate)
        reports.append(
            BargeInReport(
                speech_onset=onset,
                detected=round(detected, 3),
                audio_stopped=seconds_after(stopped, origin),
                interruption_latency_secs=(
                    None if stopped is None else round(stopped - origin - onset, 3)
                ),
            )
        )
    return reports


def _audio_stop_after(output: list[OutputChunk], at: float, sample_rate: int) -> float | None:
    """End of the bot's audio that was playing at ``at`` (the first gap after it)."""
    playing = [c for c in output if c.at + _chunk_secs(c, sample_rate) >= at]
    if not playing or playing[0].at > at + 0.05:
        # Nothing was audible yet: the reply was cancelled before it played.
        return at
    end = playing[0].at + _chunk_secs(playing[0], sample_rate)
    for chunk in playing[1:]:
        if chunk.at - end > 0.05:
            break
        end = chunk.at + _chunk_secs(chunk, sample_rate)
    return end
