"""Barge-in on real frames: Silero stamps the audio, the turn processor cuts the bot early.

A recorded question said over the bot stops it on the first windows of speech, well before
the VAD confirms the start; a sound too short to start a turn stops it and gives it back.
"""

from __future__ import annotations

import numpy as np
import onnxruntime
import pytest
from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    Frame,
    InputAudioRawFrame,
    InterruptionFrame,
    TranscriptionFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.tests.utils import run_test

from pipelines.conversation_state import ConversationState
from pipelines.frames import ResumeSpeechFrame
from pipelines.speech_models import silero_model_path
from pipelines.turn_policy import BargeInPolicy
from pipelines.user_turn_processor import UserTurnProcessor
from pipelines.vad import SharedSileroVADAnalyzer
from pipelines.vad_processor import StampedVADProcessor
from tests.conftest import AUDIO
from tests.pipelines.frame_helpers import EventLog, ScriptedTranscriber
from voice_agent.audio_io import load_audio

FRAME_BYTES = 640  # 20 ms at 16 kHz, 16-bit mono


def _silence(secs: float) -> bytes:
    return np.zeros(round(secs * 16000), dtype=np.int16).tobytes()


def _frames(pcm16: bytes) -> list[Frame]:
    return [
        InputAudioRawFrame(audio=pcm16[i : i + FRAME_BYTES], sample_rate=16000, num_channels=1)
        for i in range(0, len(pcm16) - FRAME_BYTES + 1, FRAME_BYTES)
    ]


def _loop(
    texts: list[str], *, onset_windows: int = 2
) -> tuple[Pipeline, EventLog, ConversationState]:
    session = onnxruntime.InferenceSession(silero_model_path(), providers=["CPUExecutionProvider"])
    vad = SharedSileroVADAnalyzer(
        session=session,
        sample_rate=16000,
        params=VADParams(confidence=0.6, start_secs=0.15, stop_secs=0.25, min_volume=0.4),
    )
    events = EventLog()
    state = ConversationState(session_id="s1")
    # The bot is half-way through its answer when the clerk speaks.
    state.answer_sentences = ["Yes, the AX-200 is in the weekend offer.", "It ends on Sunday."]
    state.sentences_played = 1
    turns = UserTurnProcessor(
        state=state,
        transcriber=ScriptedTranscriber(texts),
        barge_in=BargeInPolicy(min_level_dbfs=-26.0, onset_windows=onset_windows),
        on_event=events,
    )
    return Pipeline([StampedVADProcessor(vad_analyzer=vad), turns]), events, state


async def test_talking_over_the_bot_cuts_it_before_the_vad_confirms_the_speech() -> None:
    loop, events, _ = _loop(["Is the Trail Runner 900 on sale?"])
    speech = load_audio(AUDIO / "loop" / "trail_runner_sale.wav").pcm16

    down, up = await run_test(
        loop, frames_to_send=[BotStartedSpeakingFrame(), *_frames(_silence(0.5) + speech)]
    )

    types = events.types()
    assert types.count("barge_in") == 1
    assert types.index("barge_in") < types.index("user_speech_started")
    assert any(isinstance(f, InterruptionFrame) for f in up)
    # The question itself is still heard whole and answered.
    assert [f.text for f in down if isinstance(f, TranscriptionFrame)] == [
        "Is the Trail Runner 900 on sale?"
    ]


async def test_without_onset_windows_the_cut_waits_for_the_vads_start() -> None:
    loop, events, _ = _loop(["Is the Trail Runner 900 on sale?"], onset_windows=0)
    speech = load_audio(AUDIO / "loop" / "trail_runner_sale.wav").pcm16

    await run_test(
        loop, frames_to_send=[BotStartedSpeakingFrame(), *_frames(_silence(0.5) + speech)]
    )

    types = events.types()
    assert types.count("barge_in") == 1
    assert types.index("barge_in") > types.index("user_speech_started")


async def test_a_sound_too_short_to_start_a_turn_gives_the_bot_its_sentence_back() -> None:
    loop, events, _ = _loop([])
    speech = load_audio(AUDIO / "loop" / "trail_runner_sale.wav").pcm16
    onset = 0.40  # where the recording's first word starts
    blip = speech[round(onset * 16000) * 2 : round((onset + 0.12) * 16000) * 2]

    down, _ = await run_test(
        loop,
        frames_to_send=[BotStartedSpeakingFrame(), *_frames(_silence(0.5) + blip + _silence(0.8))],
    )

    types = events.types()
    assert types.count("barge_in") == 1
    assert "user_speech_started" not in types
    assert types[-1] == "speech_resumed"
    assert any(isinstance(f, ResumeSpeechFrame) for f in down)


@pytest.mark.parametrize(
    "bed", ["shop_babble.wav", "music.wav", "distant_voice.wav", "cough_bursts.wav"]
)
async def test_shop_noise_over_the_bot_never_cuts_it(bed: str) -> None:
    loop, events, _ = _loop(["(noise)"] * 20)
    noise = load_audio(AUDIO / "noise" / bed).pcm16

    await run_test(loop, frames_to_send=[BotStartedSpeakingFrame(), *_frames(noise)])

    assert "barge_in" not in events.types()
