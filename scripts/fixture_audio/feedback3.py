"""The third held-out feedback set (``--feedback3``): the spoken lines of heldout3.yaml.

heldout3.yaml was written blind (see its header); its ``spoken: true`` items are rendered
here, English in the held-out styles, Chinese with espeak-ng Mandarin, into one folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .feedback_zh import FEEDBACK_ZH_STYLE_NOTES, render_feedback_zh
from .heldout import HELDOUT_STYLE_NOTES, HELDOUT_STYLES, render_heldout
from .manifest import Builder, fresh_folder, write_manifest
from .paths import FEEDBACK3_FILE
from .sources import SpokenQuestion


def build_feedback3(out: Path, items: list[SpokenQuestion], echo: Callable[[str], None]) -> int:
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
        render_heldout(builder, "feedback3", "feedback", item, HELDOUT_STYLES[index % 3])
    for index, item in enumerate(chinese):
        render_feedback_zh(builder, "feedback3", item, index, folder="zh/")
    styles = {
        **HELDOUT_STYLE_NOTES,
        **{f"zh {name}": note for name, note in FEEDBACK_ZH_STYLE_NOTES.items()},
    }
    write_manifest(
        out,
        builder.entries,
        regenerate="python scripts/make_fixtures.py --feedback3",
        source=FEEDBACK3_FILE,
        styles=styles,
    )
    return len(builder.entries)
