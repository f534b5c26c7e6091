"""Replaying recordings through the real voice loop, with timings.

The same pipeline that serves a room runs here over a :class:`ReplayTransport`; a report
(:mod:`voice_agent.replay_timings`) says what was heard, what was answered, and how long each
stage took.
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

from knowledge_base.answering import Answerer
from pipelines.answer_processor import AnswerListener, CallerProfile
from pipelines.events import SessionEvent, SpeechResumed
from pipelines.speech_models import SpeechModels
from pipelines.speech_segments import find_speech_segments
from pipelines.transcriber import Transcriber
from pipelines.transports.replay import ReplayTransport
from pipelines.voice_loop import VoiceLoopConfig, build_voice_loop
from voice_agent.audio_io import resample_pcm16
from voice_agent.replay_timings import ReplayReport, barge_in_reports, last_output_end, turn_reports

SEGMENTS_RATE = 16000
"""Hertz :func:`find_speech_segments` sizes its Silero windows for (input is resampled to it)."""


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
                collector.last_event_at, last_output_end(recording.output, output_rate)
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
        turns=turn_reports(collector.events, segments, output, origin, output_rate),
        barge_ins=barge_in_reports(collector.events, segments, output, origin, output_rate),
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
