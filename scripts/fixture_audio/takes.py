"""One spoken line alone in a file: the take every question, reply and feedback set writes."""

from __future__ import annotations

from typing import Any

import numpy as np

from .audio import active_rms, gain, rms
from .beds import babble_bed
from .manifest import Builder, wav_entry
from .sources import SpokenQuestion
from .track import Track, fit
from .voices import JOE, SPEAKER, Voice

TAIL_S = 0.8
"""Silence after the line, so that a VAD sees the turn end inside the file."""


def add_babble(
    track: Track, clip: np.ndarray, snr_db: float, rng: np.random.Generator
) -> dict[str, Any]:
    """Mix shop babble under ``track``, ``snr_db`` below ``clip``; returns the noise record."""
    bed = fit(babble_bed(30.0, 11), track.audio.size, rng)
    bed = bed * (active_rms(clip) / rms(bed) / gain(snr_db))
    track.audio = track.audio + bed.astype(np.float32)
    return {"bed": "shop_babble", "snr_db": snr_db}


def write_take(
    builder: Builder,
    path: str,
    set_name: str,
    kind: str,
    item: SpokenQuestion,
    *,
    voice: Voice,
    style: str,
    snr_db: float | None,
    rng: np.random.Generator,
) -> None:
    """Write ``item`` spoken by ``voice`` 0.3-0.5 s in (drawn from ``rng``) to ``path``.

    With ``snr_db`` the take gets shop babble under it (also drawn from ``rng``).
    """
    clip = SPEAKER.say(item.text, voice)
    track = Track()
    track.speech(round(float(rng.uniform(0.3, 0.5)), 2), clip, item.text, voice)
    track.extend_to(track.end + TAIL_S)
    noise = None if snr_db is None else add_babble(track, clip, snr_db, rng)
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


def write_clean(
    builder: Builder,
    set_name: str,
    name: str,
    text: str,
    kind: str,
    *,
    lead: float = 0.4,
    labels: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    clip: np.ndarray | None = None,
) -> None:
    """Write ``<set_name>/<name>.wav``: one clean Piper (joe) utterance of a clerk.

    ``labels`` go into the manifest entry right after the text, ``extra`` after the timeline.
    ``clip`` is the utterance when it is not Piper's plain take of ``text`` (edited audio).
    """
    if clip is None:
        clip = SPEAKER.say(text, JOE)
    track = Track()
    track.speech(lead, clip, text, JOE)
    track.extend_to(track.end + TAIL_S)
    entry = wav_entry(
        f"{set_name}/{name}.wav",
        set_name,
        kind,
        track.audio,
        text=text,
        **(labels or {}),
        language="en",
        voice=JOE.describe(),
        noise=None,
        timeline=track.events,
        **(extra or {}),
    )
    builder.write(entry["path"], track.audio, entry)
