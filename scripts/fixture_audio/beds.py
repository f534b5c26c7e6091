"""Shop noise beds: babble with distant chatter, ceiling-speaker music, a far-away voice."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from .audio import RATE, band, coloured_noise, distant, gain, rms, seconds, set_level
from .voices import JOE, SPEAKER, Voice

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
