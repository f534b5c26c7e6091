"""``voice-agent bench turns``: whether the turn-end rule waits for the rest of a question.

Every recorded question of the chosen chains is transcribed twice by the runtime's
transcriber: whole, and cut at a gap between words in its middle (35-75 % of its voiced
span), as if the clerk paused there. The turn-end rule
(:func:`pipelines.turn_policy.looks_unfinished`) then decides each transcript: a whole
question it calls unfinished waits ``turn.incomplete_wait_secs`` for nothing; a cut one it
calls finished is answered before the clerk has asked it. Cuts are drawn with a fixed seed,
so two runs on the same audio cut in the same places.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.turn_policy import looks_unfinished
from voice_agent.audio_io import load_audio

FRAME_SAMPLES = 320
"""20 ms at 16 kHz: the step at which speech and gaps are found."""
_VOICED_BELOW_PEAK_DB = 30.0
_VOICED_FLOOR_DBFS = -50.0
_GAP_ABOVE_THRESHOLD_DB = 5.0
CUT_SPAN = (0.35, 0.75)
"""Where in the voiced span a cut may fall."""


@dataclass(frozen=True, slots=True)
class Cuts:
    """Where a recording's speech ends and where it may be cut mid-question (samples)."""

    speech_end: int
    gaps: tuple[int, ...]


def find_cuts(pcm16: bytes) -> Cuts | None:
    """The end of speech and the word gaps inside the middle of a 16 kHz recording.

    A frame is voiced within 30 dB of the loudest frame (and above -50 dBFS); a gap is two
    frames in a row within 5 dB of that threshold. ``None`` for a recording with too little
    speech to cut.
    """
    samples = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype=np.int16).astype(np.float32)
    count = len(samples) // FRAME_SAMPLES
    if count == 0:
        return None
    frames = (samples[: count * FRAME_SAMPLES] / 32768.0).reshape(count, FRAME_SAMPLES)
    levels = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-9)
    threshold = max(float(levels.max()) - _VOICED_BELOW_PEAK_DB, _VOICED_FLOOR_DBFS)
    voiced = np.flatnonzero(levels > threshold)
    if len(voiced) < 10:
        return None
    first, last = int(voiced[0]), int(voiced[-1])
    low = first + int(CUT_SPAN[0] * (last - first))
    high = first + int(CUT_SPAN[1] * (last - first))
    quiet = threshold + _GAP_ABOVE_THRESHOLD_DB
    gaps = tuple(
        frame * FRAME_SAMPLES
        for frame in range(low, high)
        if levels[frame] <= quiet and levels[frame + 1] <= quiet
    )
    return Cuts(speech_end=(last + 1) * FRAME_SAMPLES, gaps=gaps)


def chain_recordings(fixtures: Path, chains: Iterable[str], sets: Iterable[str]) -> list[Path]:
    """The recorded questions of ``chains`` in ``sets`` (``clean``, ``accented``, ``noisy``)."""
    return [
        path
        for chain in chains
        for audio_set in sets
        for path in sorted((fixtures / "chains" / chain / "audio" / audio_set).glob("*.wav"))
    ]


async def measure_turn_end(
    transcriber: Any, recordings: list[Path], *, seed: int = 11, progress: Any = None
) -> dict[str, Any]:
    """Transcribe each recording whole and cut; how the turn-end rule decides each."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for path in recordings:
        pcm16 = load_audio(path, sample_rate=16000).pcm16
        cuts = find_cuts(pcm16)
        if cuts is None:
            continue
        whole = (await transcriber.transcribe(pcm16[: cuts.speech_end * 2])).text
        cut_text = None
        if cuts.gaps:
            at = rng.choice(cuts.gaps)
            cut_text = (await transcriber.transcribe(pcm16[: at * 2])).text
        rows.append({"path": str(path), "whole": whole, "cut": cut_text})
        if progress is not None:
            progress()
    return summarise(rows)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of whole questions that wait and of cut ones answered early, with the texts."""
    waiting = [r["whole"] for r in rows if looks_unfinished(r["whole"])]
    cut = [r for r in rows if r["cut"] and r["cut"].strip()]
    early = [r["cut"] for r in cut if not looks_unfinished(r["cut"])]
    return {
        "whole": len(rows),
        "whole_waiting": len(waiting),
        "cut": len(cut),
        "cut_answered_early": len(early),
        "whole_waiting_texts": waiting,
        "cut_answered_early_texts": early,
        "rows": rows,
    }
