"""The blind held-out feedback sets (``--feedback3/4/5``): their spoken lines.

heldout3.yaml, heldout4.yaml and heldout5.yaml were written blind (see their headers); the
``spoken: true`` items of each are rendered here, English in the held-out styles, Chinese with
MBROLA Mandarin (:mod:`.feedback_zh`), into the set's own folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .feedback_zh import FEEDBACK_ZH_STYLE_NOTES, render_feedback_zh
from .heldout import HELDOUT_STYLE_NOTES, HELDOUT_STYLES, render_heldout
from .manifest import Builder, fresh_folder, write_manifest
from .paths import (
    FEEDBACK3_DIR,
    FEEDBACK3_FILE,
    FEEDBACK4_DIR,
    FEEDBACK4_FILE,
    FEEDBACK5_DIR,
    FEEDBACK5_FILE,
)
from .sources import SpokenQuestion


@dataclass(frozen=True)
class BlindFeedbackSet:
    """One blind feedback set: its name in the manifest, its file and its audio folder."""

    name: str
    source: Path
    folder: Path

    @property
    def regenerate(self) -> str:
        return f"python scripts/make_fixtures.py --{self.name}"


BLIND_FEEDBACK_SETS = {
    "feedback3": BlindFeedbackSet("feedback3", FEEDBACK3_FILE, FEEDBACK3_DIR),
    "feedback4": BlindFeedbackSet("feedback4", FEEDBACK4_FILE, FEEDBACK4_DIR),
    "feedback5": BlindFeedbackSet("feedback5", FEEDBACK5_FILE, FEEDBACK5_DIR),
}


def build_blind_feedback(
    blind: BlindFeedbackSet, out: Path, items: list[SpokenQuestion], echo: Callable[[str], None]
) -> int:
    """Render the spoken items into ``out`` (replacing it); returns the number of files.

    English items take the held-out styles in turn, in file order (``<style>/<id>.wav``);
    Chinese items are ``zh/<id>.wav``, voices alternating and every second one over babble.
    Each item's ``audio`` in the set names exactly this path.
    """
    fresh_folder(out)
    builder = Builder(out=out, echo=echo)
    english = [item for item in items if item.language.lower().startswith("en")]
    chinese = [item for item in items if item.language.lower().startswith("zh")]
    for index, item in enumerate(english):
        render_heldout(builder, blind.name, "feedback", item, HELDOUT_STYLES[index % 3])
    for index, item in enumerate(chinese):
        render_feedback_zh(builder, blind.name, item, index, folder="zh/")
    styles = {
        **HELDOUT_STYLE_NOTES,
        **{f"zh {name}": note for name, note in FEEDBACK_ZH_STYLE_NOTES.items()},
    }
    write_manifest(
        out,
        builder.entries,
        regenerate=blind.regenerate,
        source=blind.source,
        styles=styles,
    )
    return len(builder.entries)
