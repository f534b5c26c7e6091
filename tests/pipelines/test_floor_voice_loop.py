"""The floor in the real voice loop: Silero, Whisper tiny.en, the answerer and Piper.

A notice offered as the session starts is spoken (Piper) and played to the end; then the
clerk's recorded reply (``tests/fixtures/audio/replies/``, no wake phrase, follow-up window
closed) is heard (Silero, Whisper) and taken as the acknowledgement.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from pipecat.frames.frames import EndFrame
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.workers.runner import WorkerRunner

from pipelines.answer_processor import CallerProfile
from pipelines.events import SessionEvent
from pipelines.floor_options import FloorOptions
from pipelines.transports.replay import ReplayTransport
from pipelines.voice_loop import build_voice_loop
from tests.conftest import AUDIO
from tests.pipelines.test_floor_processor import NOTICE
from voice_agent.audio_io import load_audio

pytestmark = pytest.mark.slow


@dataclass
class Heard:
    """What a session reported, and how much audio it played."""

    events: list[SessionEvent] = field(default_factory=list)
    floor_events: list[SessionEvent] = field(default_factory=list)
    expecting_reply: bool = False
    output_secs: float = 0.0

    def floor_kinds(self) -> list[tuple[str, str]]:
        return [(e.type, getattr(e, "reply", "")) for e in self.floor_events]


async def notice_then_reply(runtime: Any, fixture: str) -> Heard:
    """Offer the notice as the session starts; play ``fixture`` once it has been heard."""
    audio = load_audio(AUDIO / "replies" / fixture)
    heard = Heard()
    transport = ReplayTransport(pcm16=audio.pcm16, output_sample_rate=16000, realtime=False)
    config = dataclasses.replace(runtime.loop_config, require_addressing=True, follow_up_secs=0.0)
    loop = build_voice_loop(
        session_id="floor-e2e",
        transport=transport,
        models=runtime.models,
        transcriber=runtime.transcriber,
        answerer=runtime.answerer,
        caller=CallerProfile(store_id="SH-01"),
        config=config,
        on_event=heard.events.append,
        floor=FloorOptions(listener=heard.floor_events.append),
    )
    played = lambda: any(e.type == "utterance_played" for e in heard.floor_events)  # noqa: E731
    state = loop.state
    # The clerk answers after the notice: no input until it has been played to the end.
    transport.hold_input_while(
        lambda fed: (
            not played() or state.audio_bytes_heard < fed or state.transcriptions_pending > 0
        )
    )
    await loop.floor.offer(NOTICE)
    worker = PipelineWorker(
        loop.pipeline,
        params=PipelineParams(audio_in_sample_rate=16000, audio_out_sample_rate=16000),
        cancel_on_idle_timeout=False,
        idle_timeout_secs=None,
        enable_rtvi=False,
        check_dangling_tasks=False,
    )
    runner = WorkerRunner(handle_sigint=False, check_dangling_tasks=False)
    await runner.add_workers(worker)

    async def end_when_settled() -> None:
        deadline = time.monotonic() + 90
        quiet_since = time.monotonic()
        count = 0
        while time.monotonic() < deadline:
            if len(heard.events) != count:
                count, quiet_since = len(heard.events), time.monotonic()
            settled = transport.recording.input_done.is_set() and state.is_idle
            if settled and not loop.floor.queued and time.monotonic() - quiet_since > 1.0:
                break
            await asyncio.sleep(0.05)
        await worker.queue_frame(EndFrame())

    await asyncio.gather(runner.run(), end_when_settled())
    heard.expecting_reply = state.expecting_reply
    heard.output_secs = sum(len(c.audio) for c in transport.recording.output) / 32000
    return heard


@pytest.mark.parametrize(
    ("fixture", "said"),
    [
        ("understood.wav", "understood"),
        ("got_it.wav", "got it"),
    ],
)
async def test_a_notice_is_spoken_then_a_spoken_got_it_is_its_acknowledgement(
    runtime: Any, fixture: str, said: str
) -> None:
    heard = await notice_then_reply(runtime, fixture)
    assert heard.floor_kinds() == [
        ("utterance_started", ""),
        ("utterance_played", ""),
        ("reply_received", "acknowledged"),
    ]
    reply = heard.floor_events[-1].model_dump()
    assert reply["by"] == "voice" and said in reply["text"].lower()
    assert not [e for e in heard.events if e.type in ("answer_started", "answer_completed")]
    assert not heard.expecting_reply
    assert heard.output_secs > 3.0  # the notice itself was heard (two Piper sentences)


async def test_a_spoken_say_that_again_has_the_notice_played_again(runtime: Any) -> None:
    heard = await notice_then_reply(runtime, "say_that_again.wav")
    kinds = heard.floor_kinds()
    assert kinds[:3] == [
        ("utterance_started", ""),
        ("utterance_played", ""),
        ("reply_received", "repeat"),
    ]
    assert kinds.count(("utterance_played", "")) >= 2
    assert ("reply_received", "acknowledged") not in kinds
    assert not [e for e in heard.events if e.type in ("answer_started", "answer_completed")]
    assert heard.expecting_reply  # still waiting for "got it"
