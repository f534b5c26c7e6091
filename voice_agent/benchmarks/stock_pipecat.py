"""Our voice loop against a stock Pipecat 1.14 pipeline, same models, same fixtures, same run.

The stock pipeline is what Pipecat's documentation builds: ``WhisperSTTService`` (segmented,
its own model, 30 s window), the universal user aggregator with its default turn handling
(Silero VAD and the default start/stop strategies), ``PiperTTSService``. The LLM's place is
taken by the same answerer our loop uses, so only speech and turn handling differ. Both are
timed the same way: last voiced input sample (Silero over the file) to the first audible
sample of the reply, replayed at real-time pace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.frames.frames import EndFrame, Frame, LLMContextFrame, TTSSpeakFrame
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

from knowledge_base.answering import Answer, Answerer, Question
from pipelines.answer_processor import CallerProfile
from pipelines.speech_models import resolve_piper_voice, resolve_whisper_model
from pipelines.speech_segments import find_speech_segments
from pipelines.transports.replay import ReplayTransport
from pipelines.turn_policy import level_dbfs
from pipelines.voice_loop import build_voice_loop

AUDIBLE_DBFS = -55.0
"""Output chunks louder than this count as the reply's first audio."""


class AnswererAsLLM(FrameProcessor):
    """Takes the LLM's place in a stock pipeline: speaks the answerer's sentences."""

    def __init__(
        self, *, answerer: Answerer, caller: CallerProfile, clock: Callable[[], datetime]
    ) -> None:
        super().__init__(name="AnswererAsLLM")
        self._answerer = answerer
        self._caller = caller
        self._clock = clock

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer each confirmed context's last user message; pass everything else."""
        await super().process_frame(frame, direction)
        if not isinstance(frame, LLMContextFrame):
            await self.push_frame(frame, direction)
            return
        if frame.speculation:
            return  # a provisional context: a stock LLM must not speak for it either
        messages: list[Any] = list(frame.context.get_messages())
        said = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
        if not said:
            return
        content = said[-1].get("content")
        text = content if isinstance(content, str) else str(content)
        question = Question(
            text=text,
            role=self._caller.role,
            store_id=self._caller.store_id,
            language=self._caller.language,
            asked_at=self._clock(),
        )
        async for item in self._answerer.stream(question):
            if isinstance(item, Answer):
                break
            await self.push_frame(TTSSpeakFrame(text=item, append_to_context=False))


def build_stock_pipeline(
    *,
    transport: ReplayTransport,
    whisper_model: str,
    piper_voice: str,
    answerer: Answerer,
    caller: CallerProfile,
    clock: Callable[[], datetime],
) -> Pipeline:
    """A stock Pipecat 1.14 voice pipeline over ``transport`` (default turn handling)."""
    voice_path = resolve_piper_voice(piper_voice)
    aggregators = LLMContextAggregatorPair(
        LLMContext(), user_params=LLMUserAggregatorParams(vad_analyzer=SileroVADAnalyzer())
    )
    return Pipeline(
        [
            transport.input(),
            WhisperSTTService(
                device="cpu",
                compute_type="int8",
                settings=WhisperSTTService.Settings(model=resolve_whisper_model(whisper_model)),
            ),
            aggregators.user(),
            AnswererAsLLM(answerer=answerer, caller=caller, clock=clock),
            PiperTTSService(
                download_dir=voice_path.parent,
                settings=PiperTTSService.Settings(voice=voice_path.stem),
            ),
            transport.output(),
            aggregators.assistant(),
        ]
    )


async def reply_latency(
    *,
    pcm16: bytes,
    build: Callable[[ReplayTransport], Pipeline],
    silero: Any,
    reply_wait_secs: float = 8.0,
) -> float | None:
    """Seconds from the last voiced input sample to the reply's first audible sample."""
    segments = find_speech_segments(pcm16, session=silero)
    if not segments:
        return None
    transport = ReplayTransport(pcm16=pcm16)
    worker = PipelineWorker(
        build(transport),
        params=PipelineParams(audio_in_sample_rate=16000, audio_out_sample_rate=16000),
        cancel_on_idle_timeout=False,
        idle_timeout_secs=None,
        enable_rtvi=False,
        check_dangling_tasks=False,
    )
    runner = WorkerRunner(handle_sigint=False, check_dangling_tasks=False)
    await runner.add_workers(worker)
    recording = transport.recording
    speech_end = segments[-1].end
    found: list[float] = []

    def first_audio() -> float | None:
        origin = recording.input_started_at
        for chunk in recording.output:
            if origin is not None and level_dbfs(chunk.audio) > AUDIBLE_DBFS:
                return chunk.at - origin - speech_end
        return None

    async def until_reply() -> None:
        await recording.input_done.wait()
        for _ in range(round(reply_wait_secs / 0.05)):
            # The recording has no event for "audible output"; look at it every 50 ms.
            if (latency := first_audio()) is not None:
                found.append(latency)
                break
            await asyncio.sleep(0.05)
        await worker.queue_frame(EndFrame())

    await asyncio.gather(runner.run(), until_reply())
    return found[0] if found else None


async def compare_with_stock(
    *,
    runtime: Any,
    paths: list[Path],
    caller: CallerProfile,
    clock: Callable[[], datetime],
) -> dict[str, list[float | None]]:
    """Reply latency of each recording through our loop and the stock pipeline, in turn."""
    from voice_agent.audio_io import load_audio

    settings = runtime.settings

    def ours(transport: ReplayTransport) -> Pipeline:
        return build_voice_loop(
            session_id="ours",
            transport=transport,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            caller=caller,
            config=runtime.loop_config,
            clock=clock,
        ).pipeline

    def stock(transport: ReplayTransport) -> Pipeline:
        return build_stock_pipeline(
            transport=transport,
            whisper_model=settings.stt.model,
            piper_voice=settings.tts.voice,
            answerer=runtime.answerer,
            caller=caller,
            clock=clock,
        )

    results: dict[str, list[float | None]] = {"ours": [], "pipecat": []}
    for path in paths:
        pcm16 = load_audio(path).pcm16
        for name, build in (("ours", ours), ("pipecat", stock)):
            latency = await reply_latency(pcm16=pcm16, build=build, silero=runtime.models.silero)
            results[name].append(latency)
    return results
