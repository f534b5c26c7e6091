"""Replaying recordings through the real voice loop, with timings.

The same pipeline that serves a room runs here over a :class:`ReplayTransport`; a report
says what was heard, what was answered, and how long each stage took.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from loguru import logger
from pipecat.frames.frames import EndFrame
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.workers.runner import WorkerRunner
from pydantic import BaseModel

from knowledge_base.answering import Answerer
from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.events import (
    AnswerCompleted,
    AnswerStarted,
    BargeIn,
    SessionEvent,
    SpeechResumed,
    Transcribed,
    UserSpeechStopped,
    UserTurn,
)
from pipelines.speech_models import SpeechModels
from pipelines.speech_segments import SpeechSegment, find_speech_segments
from pipelines.transcriber import Transcriber
from pipelines.transports.replay import OutputChunk, ReplayTransport
from pipelines.turn_policy import level_dbfs
from pipelines.voice_loop import VoiceLoopConfig, build_voice_loop
from voice_agent.audio_io import resample_pcm16

SEGMENTS_RATE = 16000
"""Hertz :func:`find_speech_segments` sizes its Silero windows for (input is resampled to it)."""
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


@dataclass(slots=True)
class ReplayResult:
    """A report plus the output audio itself."""

    report: ReplayReport
    output_pcm16: bytes
    output_sample_rate: int


@dataclass(slots=True)
class _Collector:
    events: list[SessionEvent] = field(default_factory=list)
    last_event_at: float = field(default_factory=time.monotonic)

    def __call__(self, event: SessionEvent) -> None:
        self.events.append(event)
        self.last_event_at = time.monotonic()


async def replay(
    *,
    pcm16: bytes,
    models: SpeechModels,
    transcriber: Transcriber,
    answerer: Answerer,
    config: VoiceLoopConfig,
    caller: CallerProfile | None = None,
    clock: Callable[[], datetime] | None = None,
    realtime: bool = True,
    output_sample_rate: int | None = None,
    settle_secs: float = 2.0,
    timeout_secs: float | None = None,
    on_answer: AnswerListener | None = None,
    stop_after_first_audio: bool = False,
) -> ReplayResult:
    """Stream mono PCM through the voice loop and report what happened.

    Args:
        pcm16: Input audio, mono 16-bit at ``config.input_sample_rate`` (the rate a room's
            transport delivers; ``audio.input_sample_rate`` in the settings).
        output_sample_rate: Hertz of the recorded answer audio (default:
            ``config.output_sample_rate``).
        realtime: Feed and play audio at real-time pace (needed for meaningful latency and
            barge-in); otherwise as fast as possible. Where an utterance is cut for
            transcription depends on the audio alone either way (the VAD's state travels
            with each frame, see :mod:`pipelines.vad_processor`).
        settle_secs: After the input ends, how long the session must be quiet to be done.
        timeout_secs: Give up after this long (default: twice the input plus 30 s).
        stop_after_first_audio: End as soon as the last answer starts playing (benchmarks
            need only its first sample; the rest of the answer is not waited for).
    """
    session_id = f"replay-{uuid.uuid4().hex[:8]}"
    collector = _Collector()
    input_rate = config.input_sample_rate
    output_rate = output_sample_rate or config.output_sample_rate
    transport = ReplayTransport(
        pcm16=pcm16, input_sample_rate=input_rate, output_sample_rate=output_rate, realtime=realtime
    )
    loop = build_voice_loop(
        session_id=session_id,
        transport=transport,
        models=models,
        transcriber=transcriber,
        answerer=answerer,
        caller=caller or CallerProfile(),
        config=config,
        clock=clock,
        on_event=collector,
        on_answer=on_answer,
    )
    worker = PipelineWorker(
        loop.pipeline,
        params=PipelineParams(audio_in_sample_rate=input_rate, audio_out_sample_rate=output_rate),
        cancel_on_idle_timeout=False,
        idle_timeout_secs=None,
        enable_rtvi=False,
        check_dangling_tasks=False,
    )
    runner = WorkerRunner(handle_sigint=False, check_dangling_tasks=False)
    await runner.add_workers(worker)
    input_secs = len(pcm16) / (2 * input_rate)
    limit = timeout_secs if timeout_secs is not None else 2 * input_secs + 30
    started = time.monotonic()

    async def finish_when_quiet() -> None:
        recording = transport.recording
        await recording.input_done.wait()
        # In fast mode the pipeline may still be working through queued input audio.
        while time.monotonic() - started < limit:
            if loop.state.audio_bytes_heard >= len(pcm16):
                break
            await asyncio.sleep(0.05)
        quiet_needed = settle_secs
        while time.monotonic() - started < limit:
            quiet = time.monotonic() - max(
                collector.last_event_at, _last_output_end(recording.output, output_rate)
            )
            if quiet >= quiet_needed and loop.state.is_idle:
                break
            state = loop.state
            if (
                stop_after_first_audio
                and state.sentences_played > 0
                and not (state.user_speaking or state.transcriptions_pending)
                and not (state.turn_pending or state.answering)
            ):
                await asyncio.sleep(0.3)  # let the first chunks be recorded
                break
            await asyncio.sleep(0.05)
        else:
            logger.warning(f"{session_id}: replay timed out after {limit:.0f}s")
        await worker.queue_frame(EndFrame())

    await asyncio.gather(runner.run(), finish_when_quiet())
    wall = time.monotonic() - started

    segments = find_speech_segments(
        resample_pcm16(pcm16, input_rate, SEGMENTS_RATE), session=models.silero
    )
    origin = transport.recording.input_started_at or started
    output = transport.recording.output
    report = ReplayReport(
        session_id=session_id,
        input_secs=round(input_secs, 3),
        realtime=realtime,
        turns=_turn_reports(collector.events, segments, output, origin, output_rate),
        barge_ins=_barge_in_reports(collector.events, segments, output, origin, output_rate),
        resumed_sentences=[e.sentence for e in collector.events if isinstance(e, SpeechResumed)],
        output_secs=round(sum(len(c.audio) for c in output) / (2 * output_rate), 3),
        output_sample_rate=output_rate,
        speech_segments=[(s.start, s.end) for s in segments],
        wall_secs=round(wall, 3),
        events=[
            {**e.model_dump(mode="json"), "at": round(e.at - origin, 3)} for e in collector.events
        ],
    )
    return ReplayResult(
        report=report,
        output_pcm16=b"".join(c.audio for c in output),
        output_sample_rate=output_rate,
    )


def _chunk_secs(chunk: OutputChunk, sample_rate: int) -> float:
    return len(chunk.audio) / (2 * sample_rate)


def _last_output_end(output: list[OutputChunk], sample_rate: int) -> float:
    if not output:
        return 0.0
    return output[-1].at + _chunk_secs(output[-1], sample_rate)


def _rel(value: float | None, origin: float) -> float | None:
    return None if value is None else round(value - origin, 3)


def _turn_reports(
    events: list[SessionEvent],
    segments: list[SpeechSegment],
    output: list[OutputChunk],
    origin: float,
    sample_rate: int,
) -> list[TurnReport]:
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
                vad_stop=_rel(last_stop, origin),
                stt_done=_rel(last_transcribed.at if last_transcribed else None, origin),
                stt_secs=round(last_transcribed.stt_secs, 3) if last_transcribed else None,
            )
            reports.append(current)
        elif isinstance(event, AnswerStarted) and current is not None:
            current.answer_ready = _rel(event.at, origin)
            audible = [c for c in output if c.at >= event.at and level_dbfs(c.audio) > SILENCE_DBFS]
            if audible:
                current.first_audio = _rel(audible[0].at, origin)
                if current.speech_end is not None and current.first_audio is not None:
                    current.voice_to_voice_secs = round(current.first_audio - current.speech_end, 3)
        elif isinstance(event, AnswerCompleted) and current is not None:
            current.answer = event.text
            current.answer_source = event.source
            current.answer_facts = list(event.facts)
    return reports


def _barge_in_reports(
    events: list[SessionEvent],
    segments: list[SpeechSegment],
    output: list[OutputChunk],
    origin: float,
    sample_rate: int,
) -> list[BargeInReport]:
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
                audio_stopped=_rel(stopped, origin),
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
