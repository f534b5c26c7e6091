"""The ``noise`` set: shop babble, ceiling music, a distant voice and coughs, each alone."""

from __future__ import annotations

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
