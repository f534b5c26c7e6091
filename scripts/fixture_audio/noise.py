"""The ``noise`` set: shop babble, ceiling music, a distant voice and coughs, each alone."""

from __future__ import annotations

from typing import Any

import numpy as np

from .audio import (
    SPEECH_DBFS,
    active_rms,
    coloured_noise,
    cough,
    gain,
    rms,
    seconds,
    set_level,
    stable_seed,
)
from .beds import babble_bed, distant_voice_bed, music_bed
from .manifest import Builder, wav_entry
from .track import Track


def write_bed(
    builder: Builder,
    name: str,
    audio: np.ndarray,
    noise: dict[str, Any],
    description: str,
    *,
    timeline: list[dict[str, Any]],
) -> None:
    """Write ``noise/<name>.wav``, one bed alone."""
    path = f"noise/{name}.wav"
    entry = wav_entry(
        path,
        "noise",
        "noise_bed",
        audio,
        noise=noise,
        description=description,
        timeline=timeline,
    )
    builder.write(path, audio, entry)


def build_noise(builder: Builder) -> None:
    """Write ``noise/``: each bed alone, its level in the manifest."""
    rng = np.random.default_rng(stable_seed("noise"))
    level = -38.0
    babble = set_level(babble_bed(20.0, 31), level, measure=rms)
    write_bed(
        builder,
        "shop_babble",
        babble,
        {"bed": "shop_babble", "level_dbfs": level},
        "pink + brown noise and six distant espeak-ng voices chatting",
        timeline=[],
    )

    level = -32.0
    music = set_level(music_bed(20.0, 32), level, measure=rms)
    write_bed(
        builder,
        "music",
        music,
        {"bed": "music", "level_dbfs": level},
        "synthetic pop loop through a ceiling speaker (150 Hz - 6 kHz)",
        timeline=[{"kind": "music", "start_s": 0.0, "end_s": seconds(music.size)}],
    )

    level = -40.0
    voice, events = distant_voice_bed(20.0, 33)
    scale = gain(level) / active_rms(voice)
    voice = (voice * scale).astype(np.float32)
    floor = coloured_noise(rng, voice.size, 1.0) * gain(-62)
    voice = voice + floor
    for event in events:
        event["level_dbfs"] = level
    write_bed(
        builder,
        "distant_voice",
        voice,
        {"bed": "distant_voice", "level_dbfs": level},
        "far-away announcements and chatter, reverberant, 20 dB under a clerk",
        timeline=events,
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
    write_bed(
        builder,
        "cough_bursts",
        audio,
        {"bed": "cough_bursts", "level_dbfs": round(SPEECH_DBFS - 3, 1)},
        "150-250 ms cough-like bursts over a -62 dBFS pink floor",
        timeline=track.events,
    )
