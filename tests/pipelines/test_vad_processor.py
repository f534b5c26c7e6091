"""The VAD processor stamps each audio frame with the state the VAD was in right after it."""

from __future__ import annotations

import numpy as np
from pipecat.audio.vad.vad_analyzer import VADParams, VADState
from pipecat.frames.frames import (
    InputAudioRawFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.tests.utils import run_test

from pipelines.speech_models import silero_model_path
from pipelines.vad import SharedSileroVADAnalyzer
from pipelines.vad_processor import (
    StampedVADProcessor,
    stamped_speech_windows,
    stamped_vad_state,
)
from tests.conftest import AUDIO
from voice_agent.audio_io import load_audio

FRAME_BYTES = 640  # 20 ms at 16 kHz, 16-bit mono


def _frames(pcm16: bytes) -> list[InputAudioRawFrame]:
    return [
        InputAudioRawFrame(audio=pcm16[i : i + FRAME_BYTES], sample_rate=16000, num_channels=1)
        for i in range(0, len(pcm16) - FRAME_BYTES + 1, FRAME_BYTES)
    ]


def _analyzer() -> SharedSileroVADAnalyzer:
    import onnxruntime

    session = onnxruntime.InferenceSession(silero_model_path(), providers=["CPUExecutionProvider"])
    return SharedSileroVADAnalyzer(
        session=session, sample_rate=16000, params=VADParams(stop_secs=0.25)
    )


async def test_every_audio_frame_carries_the_vad_state_it_left_and_speech_is_bracketed() -> None:
    speech = load_audio(AUDIO / "loop" / "ax200_weekend.wav").pcm16
    silence = np.zeros(16000, dtype=np.int16).tobytes()
    frames = _frames(silence + speech + silence)

    down, _ = await run_test(StampedVADProcessor(vad_analyzer=_analyzer()), frames_to_send=frames)

    audio = [f for f in down if isinstance(f, InputAudioRawFrame)]
    assert len(audio) == len(frames)
    states = [stamped_vad_state(f) for f in audio]
    assert None not in states
    assert states[0] == VADState.QUIET
    assert VADState.SPEAKING in states and VADState.STOPPING in states
    assert states[-1] == VADState.QUIET
    kinds = [type(f) for f in down if not isinstance(f, InputAudioRawFrame)]
    assert kinds.count(VADUserStartedSpeakingFrame) == 1
    assert kinds.count(VADUserStoppedSpeakingFrame) == 1
    # The audio frame that made the VAD announce the start is the first one stamped SPEAKING.
    started = next(i for i, f in enumerate(down) if isinstance(f, VADUserStartedSpeakingFrame))
    after = next(f for f in down[started:] if isinstance(f, InputAudioRawFrame))
    assert stamped_vad_state(after) == VADState.SPEAKING
    assert states.index(VADState.SPEAKING) == audio.index(after)


async def test_frames_count_the_run_of_speech_windows_which_leads_the_confirmed_start() -> None:
    speech = load_audio(AUDIO / "loop" / "trail_runner_sale.wav").pcm16
    silence = np.zeros(16000, dtype=np.int16).tobytes()
    frames = _frames(silence + speech + silence)

    down, _ = await run_test(StampedVADProcessor(vad_analyzer=_analyzer()), frames_to_send=frames)

    audio = [f for f in down if isinstance(f, InputAudioRawFrame)]
    runs = [stamped_speech_windows(f) for f in audio]
    states = [stamped_vad_state(f) for f in audio]
    assert runs[0] == 0 and runs[-1] == 0
    assert max(runs) > 10
    two_windows = next(i for i, run in enumerate(runs) if run >= 2)
    confirmed = states.index(VADState.SPEAKING)
    # The early barge-in acts at least 100 ms (five 20 ms frames) before the confirmed start.
    assert confirmed - two_windows >= 5
