"""Push-to-talk on a real recording, through the real VAD and the real speech engine."""

from __future__ import annotations

from typing import Any

import pytest
from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    TranscriptionFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.tests.utils import SleepFrame, run_test

from pipelines.conversation_state import ConversationState
from pipelines.frames import PushToTalkFrame
from pipelines.turn_policy import BargeInPolicy
from pipelines.user_turn_processor import UserTurnProcessor
from pipelines.vad import SharedSileroVADAnalyzer
from tests.conftest import AUDIO
from voice_agent.audio_io import load_audio

pytestmark = pytest.mark.slow

CHUNK_BYTES = 640  # 20 ms at 16 kHz


def _audio_frames(pcm16: bytes) -> list[Frame]:
    return [
        InputAudioRawFrame(audio=pcm16[i : i + CHUNK_BYTES], sample_rate=16000, num_channels=1)
        for i in range(0, len(pcm16) - CHUNK_BYTES + 1, CHUNK_BYTES)
    ]


async def test_releasing_push_to_talk_after_a_paused_question_answers_it_whole_at_once(
    runtime: Any,
) -> None:
    # "Is the AX-200, ... in the weekend offer?" with 0.7 s of silence in the middle (a VAD
    # stop), held under push-to-talk and released a second after the voice ends.
    pcm16 = load_audio(AUDIO / "loop" / "pause_ax200_weekend.wav").pcm16
    until_voice_ends = pcm16[: int(3.5 * 16000) * 2]
    vad = SharedSileroVADAnalyzer(
        session=runtime.models.silero,
        sample_rate=16000,
        params=VADParams(confidence=0.6, start_secs=0.15, stop_secs=0.25, min_volume=0.4),
    )
    turns = UserTurnProcessor(
        state=ConversationState(session_id="ptt"),
        transcriber=runtime.transcriber,
        barge_in=BargeInPolicy(),
        vad_state=lambda: vad.state,
    )
    down, _ = await run_test(
        Pipeline([VADProcessor(vad_analyzer=vad), turns]),
        frames_to_send=[
            PushToTalkFrame(pressed=True),
            *_audio_frames(until_voice_ends),
            SleepFrame(sleep=1.0),
            PushToTalkFrame(pressed=False),
            SleepFrame(sleep=2.0),
        ],
    )
    heard = [f.text for f in down if isinstance(f, TranscriptionFrame)]
    assert len(heard) == 1, heard
    assert "ax" in heard[0].lower() and "weekend" in heard[0].lower()
    assert any(isinstance(f, VADUserStoppedSpeakingFrame) for f in down)
