"""The long recording (``--long``): minutes of shop babble with a loop question now and then."""

from __future__ import annotations

import json
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .audio import RATE, rms, seconds, set_level, stable_seed
from .beds import babble_bed
from .loop import LOOP_QUESTIONS
from .track import fit
from .voices import JOE, SPEAKER
from .wavfile import to_int16


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
