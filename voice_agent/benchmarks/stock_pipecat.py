"""A stock Pipecat 1.14 voice pipeline, replayed over the project's ``ReplayTransport``.

The baseline of ``voice-agent bench loop --against pipecat``. Everything is Pipecat's own, with
its defaults: ``SileroVADAnalyzer`` and the default user-turn strategies (VAD and transcription
to start a turn, smart-turn v3 ``LocalSmartTurnAnalyzerV3`` to end it) on the user aggregator,
the segmented ``WhisperSTTService`` and ``PiperTTSService``. Only the models are ours (the same
Whisper directory, device and compute type and the Piper voice the project loads, nothing
fetched; Whisper gets no recognition hints, as stock has none) and the LLM is replaced
by :class:`InstantReply`, which answers each user turn at once with the project's answerer, so
the speech stack and the turn handling are all that differ from our loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.frames.frames import (
    Frame,
    LLMContextFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    LLMTextFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import (
    LLMContextAggregatorPair,
    LLMUserAggregatorParams,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.services.piper.tts import PiperTTSService
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.workers.runner import WorkerRunner

from knowledge_base.answering import Answerer, Question
from pipelines.answer_processor import CallerProfile
from pipelines.speech_models import SpeechModels, resolve_piper_voice, resolve_whisper_model
from pipelines.transports.replay import OutputChunk, ReplayTransport

INPUT_SAMPLE_RATE = 16000
"""Hertz the stock pipeline hears: its ``WhisperSTTService`` takes audio as Whisper wants it."""
OUTPUT_SAMPLE_RATE = 16000


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer the pipeline started. Times are seconds from the start of the input."""

    answered_at: float
    """When the answer was handed to speech (the turn had ended for the pipeline)."""
    heard: str
    answer: str


@dataclass(slots=True)
class StockReplay:
    """What the stock pipeline answered and played while one recording was replayed."""

    replies: list[Reply]
    output: list[OutputChunk]
    origin: float
    """Monotonic seconds of the first input sample (output chunk times are monotonic)."""


@dataclass(slots=True)
class _ReplyLog:
    replies: list[tuple[float, str, str]] = field(default_factory=list)


class InstantReply(FrameProcessor):
    """Stands in for the LLM: answers each user turn at once with ``answerer``.

    On every ``LLMContextFrame`` from the user aggregator (the end of a user turn, as
    Pipecat's turn strategies decided it) the last user message is answered and the whole
    answer is pushed as one LLM response, which ``PiperTTSService`` splits into sentences.

    Args:
        answerer: The grounded answerer our own loop uses.
        caller: Role, store and language of the questions.
        clock: The "now" of each question.
        on_reply: Called with (monotonic time, question, answer) for every answer.
    """

    def __init__(
        self,
        *,
        answerer: Answerer,
        caller: CallerProfile,
        clock: Callable[[], datetime] | None,
        on_reply: Callable[[float, str, str], None],
    ) -> None:
        super().__init__(name="InstantReply")
        self._answerer = answerer
        self._caller = caller
        self._clock = clock
        self._on_reply = on_reply

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer context frames; pass everything else on."""
        await super().process_frame(frame, direction)
        if not isinstance(frame, LLMContextFrame):
            await self.push_frame(frame, direction)
            return
        heard = _last_user_text(frame.context)
        if frame.speculation or not heard:
            return
        answer = await self._answerer.answer(
            Question(
                text=heard,
                role=self._caller.role,
                store_id=self._caller.store_id,
                language=self._caller.language,
                asked_at=self._clock() if self._clock else None,
            )
        )
        self._on_reply(time.monotonic(), heard, answer.text)
        await self.push_frame(LLMFullResponseStartFrame())
        await self.push_frame(LLMTextFrame(text=answer.text))
        await self.push_frame(LLMFullResponseEndFrame())


def _last_user_text(context: LLMContext) -> str:
    for message in reversed(context.messages):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            return content.strip() if isinstance(content, str) else ""
    return ""


def build_stock_pipeline(
    *,
    transport: ReplayTransport,
    models: SpeechModels,
    answerer: Answerer,
    caller: CallerProfile,
    clock: Callable[[], datetime] | None,
    on_reply: Callable[[float, str, str], None],
) -> Pipeline:
    """Pipecat's default cascade over ``transport``, with :class:`InstantReply` as the LLM."""
    spec = models.whisper_spec
    stt = WhisperSTTService(
        device=spec.device,
        compute_type=spec.compute_type,
        settings=WhisperSTTService.Settings(model=resolve_whisper_model(spec.model)),
    )
    voice = resolve_piper_voice(models.piper_spec.voice)
    tts = PiperTTSService(
        download_dir=voice.parent, settings=PiperTTSService.Settings(voice=voice.stem)
    )
    user, assistant = LLMContextAggregatorPair(
        LLMContext(), user_params=LLMUserAggregatorParams(vad_analyzer=SileroVADAnalyzer())
    )
    reply = InstantReply(answerer=answerer, caller=caller, clock=clock, on_reply=on_reply)
    return Pipeline([transport.input(), stt, user, reply, tts, transport.output(), assistant])


async def replay_stock(
    *,
    pcm16: bytes,
    question_end: float,
    models: SpeechModels,
    answerer: Answerer,
    caller: CallerProfile,
    clock: Callable[[], datetime] | None = None,
    is_audible: Callable[[bytes], bool],
    answer_wait_secs: float = 10.0,
) -> StockReplay:
    """Stream mono PCM at ``INPUT_SAMPLE_RATE`` and real-time pace through the stock pipeline.

    The recording is followed by silence, as a live microphone keeps streaming after the
    clerk stops (Pipecat's VAD, smart-turn and idle timers run on incoming audio). The replay
    ends once an answer given after ``question_end`` (seconds from the start of the input)
    has started to play, or ``answer_wait_secs`` after the recording ended.
    """
    input_secs = len(pcm16) / (2 * INPUT_SAMPLE_RATE)
    silence = b"\x00\x00" * int(INPUT_SAMPLE_RATE * (answer_wait_secs + 1))
    transport = ReplayTransport(
        pcm16=pcm16 + silence,
        input_sample_rate=INPUT_SAMPLE_RATE,
        output_sample_rate=OUTPUT_SAMPLE_RATE,
    )
    log = _ReplyLog()
    pipeline = build_stock_pipeline(
        transport=transport,
        models=models,
        answerer=answerer,
        caller=caller,
        clock=clock,
        on_reply=lambda at, heard, answer: log.replies.append((at, heard, answer)),
    )
    worker = PipelineWorker(
        pipeline,
        params=PipelineParams(
            audio_in_sample_rate=INPUT_SAMPLE_RATE, audio_out_sample_rate=OUTPUT_SAMPLE_RATE
        ),
        cancel_on_idle_timeout=False,
        idle_timeout_secs=None,
        enable_rtvi=False,
        check_dangling_tasks=False,
    )
    runner = WorkerRunner(handle_sigint=False, check_dangling_tasks=False)
    await runner.add_workers(worker)
    recording = transport.recording

    def answer_playing() -> bool:
        origin = recording.input_started_at
        if origin is None:
            return False
        final = [at for at, _, _ in log.replies if at - origin >= question_end - 0.05]
        return bool(final) and any(
            c.at >= final[0] and is_audible(c.audio) for c in list(recording.output)
        )

    async def finish() -> None:
        # Polled: the input task and the output transport set these, with no event to await.
        while recording.input_started_at is None:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        deadline = recording.input_started_at + input_secs + answer_wait_secs
        while time.monotonic() < deadline and not answer_playing():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # let the first chunks be recorded
        await worker.cancel(reason="stock replay done")

    await asyncio.gather(runner.run(), finish())
    origin = recording.input_started_at or 0.0
    return StockReplay(
        replies=[
            Reply(answered_at=round(at - origin, 3), heard=heard, answer=answer)
            for at, heard, answer in log.replies
        ],
        output=list(recording.output),
        origin=origin,
    )
