"""Chinese spoken feedback (``--feedback-zh``): five lines of heldout2.yaml in Mandarin.

No Chinese Piper voice is packaged, so these lines are spoken by MBROLA's Mandarin ``cn1``
voice (:mod:`.mandarin`; Latin runs such as "AX-200" by Piper, as a bilingual clerk says them).
espeak-ng's Mandarin was tried first: Whisper base could not read it (spoken macro-F1 0.089 and
0.111 on heldout4 and heldout5).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .audio import stable_seed
from .heldout import HELDOUT_SNR_DB
from .manifest import Builder, fresh_folder, write_manifest
from .paths import FEEDBACK_ZH_FILE
from .sources import SpokenQuestion
from .takes import write_take
from .voices import Voice

FEEDBACK_ZH_IDS = ("h2f0030", "h2f0080", "h2f0169", "h2f0210", "h2f0229")
"""Chinese items of heldout2.yaml (stock, complaint, traffic, competitor, till), in this order."""
FEEDBACK_ZH_STYLE_NOTES = {
    "clean": "MBROLA cn1 Mandarin (Latin runs by Piper), pace and pitch within 10%",
    "noisy": f"the same with shop babble at {HELDOUT_SNR_DB:g} dB SNR",
}


def render_feedback_zh(
    builder: Builder, set_name: str, item: SpokenQuestion, index: int, *, folder: str = ""
) -> None:
    """Write ``<folder><id>.wav``: MBROLA Mandarin, over shop babble when ``index`` is odd.

    Pace and pitch derive from the item's id and text alone.
    """
    rng = np.random.default_rng(stable_seed("feedback-zh", item.id, item.text))
    voice = Voice(
        engine="mbrola",
        name="cn1",
        length_scale=round(float(rng.uniform(0.92, 1.08)), 2),
        pitch_ratio=round(float(rng.uniform(0.9, 1.1)), 2),
    )
    noisy = index % 2 == 1
    write_take(
        builder,
        f"{folder}{item.id}.wav",
        set_name,
        "feedback",
        item,
        voice=voice,
        style="noisy" if noisy else "clean",
        snr_db=HELDOUT_SNR_DB if noisy else None,
        rng=rng,
    )


def build_feedback_zh(out: Path, items: list[SpokenQuestion], echo: Callable[[str], None]) -> int:
    """Render ``items`` into ``out`` (replacing it) in Mandarin; returns the count."""
    fresh_folder(out)
    builder = Builder(out=out, echo=echo)
    for index, item in enumerate(items):
        render_feedback_zh(builder, "feedback-zh", item, index)
    write_manifest(
        out,
        builder.entries,
        regenerate="python scripts/make_fixtures.py --feedback-zh",
        source=FEEDBACK_ZH_FILE,
        styles=FEEDBACK_ZH_STYLE_NOTES,
    )
    return len(builder.entries)
