"""CPU and memory of sessions that only listen: the cost of a clerk who is not asking.

Each session is the full voice loop (Silero VAD, turn processor, answerer, Piper) over a
replay transport fed at real-time pace with quiet room noise, with the processors a clerk's
session of ``serve`` and ``worker`` carries besides (``session_processors``: the spoken
feedback capture); CPU is the whole process's (every thread), counted only while the
sessions listen.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import numpy as np
import psutil
from pipecat.frames.frames import EndFrame
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.workers.runner import WorkerRunner

from pipelines.answer_processor import CallerProfile
from pipelines.transports.replay import ReplayTransport
from pipelines.voice_loop import SessionProcessorFactory, build_voice_loop


def room_noise(secs: float, *, sample_rate: int, level_dbfs: float = -50.0) -> bytes:
    """Quiet white noise (no speech): what an earpiece hears between questions."""
    rng = np.random.default_rng(0)
    amplitude = 10 ** (level_dbfs / 20)
    samples = rng.normal(0.0, amplitude, int(secs * sample_rate)) * 32767
    return np.clip(samples, -32768, 32767).astype(np.int16).tobytes()


async def measure_idle(
    *,
    runtime: Any,
    sessions: int,
    secs: float,
    caller: CallerProfile | None = None,
    session_processors: SessionProcessorFactory | None = None,
) -> dict[str, Any]:
    """Run ``sessions`` listening sessions for ``secs``; CPU % of one core and MiB each.

    Args:
        runtime: The process's models, transcriber and answerer.
        sessions: Sessions listening at once.
        secs: Seconds of room noise each hears.
        caller: The clerk of every session (an anonymous caller by default).
        session_processors: Extra processors of each session, as a live session has them.
    """
    config = runtime.loop_config
    noise = room_noise(secs, sample_rate=config.input_sample_rate)
    process = psutil.Process()
    rss_before = process.memory_info().rss
    workers: list[tuple[PipelineWorker, ReplayTransport]] = []
    for index in range(sessions):
        transport = ReplayTransport(
            pcm16=noise,
            input_sample_rate=config.input_sample_rate,
            output_sample_rate=config.output_sample_rate,
        )
        loop = build_voice_loop(
            session_id=f"idle-{index}",
            transport=transport,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            caller=caller or CallerProfile(),
            config=config,
            session_processors=session_processors,
        )
        worker = PipelineWorker(
            loop.pipeline,
            params=PipelineParams(
                audio_in_sample_rate=config.input_sample_rate,
                audio_out_sample_rate=config.output_sample_rate,
            ),
            cancel_on_idle_timeout=False,
            idle_timeout_secs=None,
            enable_rtvi=False,
            check_dangling_tasks=False,
        )
        workers.append((worker, transport))
    started = [asyncio.Event() for _ in workers]
    for (worker, _), event in zip(workers, started, strict=True):
        worker.add_event_handler("on_pipeline_started", _setter(event))
    runner = WorkerRunner(handle_sigint=False, check_dangling_tasks=False)
    await runner.add_workers(*(worker for worker, _ in workers))
    measured: dict[str, float] = {}

    async def listen() -> None:
        # Count from the moment every session runs, until the first one has heard it all.
        await asyncio.gather(*(event.wait() for event in started))
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.wait(
            [asyncio.create_task(t.recording.input_done.wait()) for _, t in workers],
            return_when=asyncio.FIRST_COMPLETED,
        )
        measured["cpu"], measured["wall"] = time.process_time() - cpu, time.perf_counter() - wall
        measured["rss"] = process.memory_info().rss - rss_before
        for worker, _ in workers:
            await worker.queue_frame(EndFrame())

    await asyncio.gather(runner.run(), listen())
    core_percent = 100 * measured["cpu"] / measured["wall"]
    return {
        "sessions": sessions,
        "listened_secs": round(measured["wall"], 2),
        "cpu_percent_of_a_core": round(core_percent, 2),
        "cpu_percent_per_session": round(core_percent / sessions, 2),
        "rss_growth_mib_per_session": round(measured["rss"] / sessions / 2**20, 2),
    }


def _setter(event: asyncio.Event) -> Any:
    async def on_started(*_args: Any) -> None:
        event.set()

    return on_started
