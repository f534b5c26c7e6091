"""Held-out spoken questions of a chain (``--chain``) and feedback lines (``--feedback``).

Kept apart from the sets in ``tests/fixtures/audio/``: each held-out set has its own folder
and manifest. English items are rendered clean (Piper), accented (espeak-ng's regional
voices) or noisy (the clean take over shop babble).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .audio import stable_seed
from .manifest import Builder, fresh_folder, write_manifest
from .sources import SpokenQuestion
from .takes import write_take
from .voices import PIPER_VOICE, Voice

HELDOUT_SNR_DB = 12.0
"""Shop babble under the clear Piper voice in the held-out ``noisy`` renderings."""
# Regional English accents espeak-ng ships (its gmw voices; the mbrola ones need packages that
# are not installed). Measured with Whisper tiny.en on 16 held-out questions at 143 wpm, word
# sequence similarity to the text: en-gb-x-rp 0.78, en-gb 0.75, en-us-nyc 0.69, en-gb-x-gbclan
# 0.68 (en-us 0.74); en-gb-x-gbcwmd 0.66, en-gb-scotland 0.62 and en-029 0.62 were left out.
ACCENT_VOICES = ("en-gb-x-rp", "en-gb", "en-us-nyc", "en-gb-x-gbclan")
HELDOUT_STYLES = ("clean", "accented", "noisy")

HELDOUT_STYLE_NOTES = {
    "clean": f"Piper {PIPER_VOICE}, length_scale 0.95-1.1",
    "accented": f"espeak-ng, one of {', '.join(ACCENT_VOICES)}, 136-150 wpm",
    "noisy": f"the clean Piper take with shop babble at {HELDOUT_SNR_DB:g} dB SNR",
}


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
    write_take(
        builder,
        f"{style}/{item.id}.wav",
        set_name,
        kind,
        item,
        voice=heldout_voice(style, item.id),
        style=style,
        snr_db=HELDOUT_SNR_DB if style == "noisy" else None,
        rng=np.random.default_rng(stable_seed("heldout-take", style, item.id, item.text)),
    )


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
    fresh_folder(out)
    builder = Builder(out=out, echo=echo)
    english = [item for item in items if item.language.lower().startswith("en")]
    for index, item in enumerate(english):
        styles = HELDOUT_STYLES if every_style else (HELDOUT_STYLES[index % 3],)
        for style in styles:
            render_heldout(builder, set_name, kind, item, style)
    write_manifest(out, builder.entries, regenerate=regenerate, styles=HELDOUT_STYLE_NOTES)
    return len(builder.entries)
